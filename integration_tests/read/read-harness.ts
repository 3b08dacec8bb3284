import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import {
  configuredCatalog,
  makeTempDir,
  parseEntrypointOutput,
  requireBuiltCli,
  runRead,
  sandboxConfig,
  writeInputFile,
  type EntrypointOutput,
  type RunOptions,
} from '../support/index.js';

/** Helpers shared by the read tests: config for a sandbox, last state per stream, primary keys. */
export function readConfig(sandbox: Sandbox, consentIds: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return sandboxConfig(sandbox, { consentIds, extra: { batch_size: 1000, max_concurrency: 8, ...extra } });
}

export function readAll(
  sandbox: Sandbox,
  consentIds: string[],
  options: { extra?: Record<string, unknown>; state?: unknown[]; streams?: string[]; run?: RunOptions } = {},
): Promise<EntrypointOutput> {
  return runRead(
    {
      config: readConfig(sandbox, consentIds, options.extra),
      catalog: configuredCatalog(options.streams !== undefined ? { streams: options.streams } : {}) as unknown as Record<string, unknown>,
      ...(options.state !== undefined ? { state: options.state } : {}),
    },
    { timeoutMs: 90_000, ...options.run },
  );
}

/** The platform's view of state after a run: the last STATE message of each stream. */
export function lastStates(output: Pick<EntrypointOutput, 'states'>): unknown[] {
  const last = new Map<string, unknown>();
  for (const state of output.states) last.set(state.stream!.stream_descriptor.name, state);
  return [...last.values()];
}

const PRIMARY_KEYS: Record<string, string[]> = {
  bulk_batches: ['batch_id'],
  bulk_batch_rows: ['batch_id', 'consent_id'],
  fi_data: ['session_id', 'link_reference_number'],
  fi_accounts: ['session_id', 'link_reference_number'],
  fi_transactions: ['session_id', 'link_reference_number', 'txn_id'],
  fi_holdings: ['session_id', 'link_reference_number', 'holding_id'],
};

export function primaryKeyOf(stream: string, record: Record<string, unknown>): string {
  return PRIMARY_KEYS[stream]!.map((field) => String(record[field])).join('|');
}

/** Distinct primary keys per stream. */
export function keysByStream(outputs: Pick<EntrypointOutput, 'recordsByStream'>[], streams: string[]): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const stream of streams) keys.set(stream, new Set());
  for (const output of outputs) {
    for (const stream of streams) for (const record of output.recordsByStream.get(stream) ?? []) keys.get(stream)!.add(primaryKeyOf(stream, record));
  }
  return keys;
}

/** The final row of every consent: the one marked is_final (there must be exactly one). */
export function finalRows(output: Pick<EntrypointOutput, 'recordsByStream'>): Map<string, Record<string, unknown>[]> {
  const finals = new Map<string, Record<string, unknown>[]>();
  for (const row of output.recordsByStream.get('bulk_batch_rows') ?? []) {
    if (row['is_final'] !== true) continue;
    const list = finals.get(row['consent_id'] as string) ?? [];
    list.push(row);
    finals.set(row['consent_id'] as string, list);
  }
  return finals;
}

/** A fixed past range so runs at different moments request (and get) the same data. */
export const FIXED_RANGE = { fi_data_range_from: '2026-01-01T00:00:00Z', fi_data_range_to: '2026-04-01T00:00:00Z' };

/** What a run delivered, independent of session ids and batch names: final outcome per consent, and every transaction. */
export function deliveredData(outputs: Pick<EntrypointOutput, 'recordsByStream'>[]): { outcomes: Map<string, string>; transactions: Set<string>; accounts: Set<string> } {
  const outcomes = new Map<string, string>();
  const transactions = new Set<string>();
  const accounts = new Set<string>();
  for (const output of outputs) {
    for (const [consent, rows] of finalRows(output)) outcomes.set(consent, `${rows.at(-1)!['row_status']}:${rows.at(-1)!['error_code'] ?? ''}`);
    for (const t of output.recordsByStream.get('fi_transactions') ?? []) {
      transactions.add(`${t['consent_id']}|${t['link_reference_number']}|${t['txn_id']}|${t['amount']}|${t['current_balance']}`);
    }
    for (const a of output.recordsByStream.get('fi_accounts') ?? []) accounts.add(`${a['consent_id']}|${a['link_reference_number']}|${a['current_balance']}`);
  }
  return { outcomes, transactions, accounts };
}

/**
 * Runs `read` and SIGKILLs it as soon as `killWhen` holds for its stdout so far (asked at
 * every chunk and every millisecond, so it may also watch an in-process sandbox); returns the
 * complete lines it wrote.
 */
export async function readUntilKilled(config: Record<string, unknown>, killWhen: (stdout: string) => boolean): Promise<ReturnType<typeof parseEntrypointOutput>> {
  const dir = makeTempDir();
  try {
    const args = [
      requireBuiltCli(),
      'read',
      '--config',
      writeInputFile(dir.path, 'config.json', config),
      '--catalog',
      writeInputFile(dir.path, 'catalog.json', configuredCatalog() as unknown as Record<string, unknown>),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let killed = false;
    const check = (): void => {
      if (!killed && killWhen(stdout)) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      check();
    });
    const timer = setInterval(check, 1);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    clearInterval(timer);
    // Only complete lines count: the platform never sees a half-written one.
    const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
    return parseEntrypointOutput(complete, '', code, signal);
  } finally {
    dir.remove();
  }
}

/**
 * Reads the same consents from a calm sandbox and one with `faults` (same seed) side by side
 * and checks the faulty run delivers the same outcomes and transactions, schedules each
 * batch once, and (storm) reported RATE_LIMITED. `start` makes sandboxes the caller closes.
 */
export async function expectSameDataUnderFaults(faults: 'flaky' | 'storm', start: (options: SandboxOptions) => Promise<Sandbox>): Promise<void> {
  const base = { consents: faults === 'storm' ? 20 : 150, speed: 50, rowsPerSecond: 1000, seed: 31, rateLimit: { limit: 100_000, windowMs: 60_000 } };
  const calm = await start(base);
  const stormy = await start({ ...base, faults });
  const ids = calm.consents().map((c) => c.id);
  const extra = { batch_size: faults === 'storm' ? 10 : 50, ...FIXED_RANGE, request_timeout_seconds: 5 };
  const [a, b] = await Promise.all([readAll(calm, ids, { extra }), readAll(stormy, ids, { extra })]);
  expect(a.exitCode, a.stderr).toBe(0);
  expect(b.exitCode, JSON.stringify(b.errors)).toBe(0);
  expect(stormy.stats().faults.total).toBeGreaterThan(0);
  const x = deliveredData([a]);
  const y = deliveredData([b]);
  expect(y.outcomes).toEqual(x.outcomes);
  expect(y.transactions).toEqual(x.transactions);
  expect(Object.values(stormy.stats().batches_created).every((n) => n === 1)).toBe(true);
  if (faults === 'storm') {
    expect(b.traces.some((t) => t.stream_status?.status === 'RUNNING' && t.stream_status.reasons?.[0]?.type === 'RATE_LIMITED')).toBe(true);
  }
}
