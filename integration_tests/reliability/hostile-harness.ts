import { afterAll, beforeAll, expect } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { configuredCatalog, runRead, startTestSandbox, type EntrypointOutput } from '../support/index.js';
import { FIXED_RANGE, lastStates } from '../read/read-harness.js';
import type { Mode } from './hostile-cases.js';
import { reliabilityCounter } from './reliability-summary.js';
import { baseSeed } from './reliability-env.js';

/**
 * Shared by the bad-server-input tests. Bad server input: the real CLI against a FinPro that lies (support/hostile-server.ts, a
 * mutating proxy in front of the sandbox). A fixed corpus names each way to break every
 * endpoint; fast-check then breaks real answers at random paths with random operations.
 * Whatever the server does, the connector must end with valid protocol and either success or
 * a TRACE ERROR system_error/transient_error (config_error is for the user's input only),
 * a non-zero exit, no unhandled crash ("unexpected error"), no raw stack, no secret; and the
 * last STATE it emitted must resume cleanly against an honest server with nothing lost.
 */

const SEED = baseSeed(6501);

/**
 * Starts the honest upstream (a sandbox) and reads the references once per mode; call at the
 * top of a test file. `counter` receives the file's counts.
 */
export function useHostileUpstream(counter: ReturnType<typeof reliabilityCounter>) {
  let sandbox: Sandbox;
  const consents: Record<Mode, string[]> = { bulk: [], single: [], file: [] };
  const references = new Map<Mode, Set<string>>();
beforeAll(async () => {
  sandbox = await startTestSandbox({ consents: 60, seed: SEED, speed: 100, rowsPerSecond: 5000, rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  // Bulk: twelve consents of every scenario (one batch, pages of 5 rows); single: four ACTIVE.
  consents.bulk = sandbox.consents().slice(0, 12).map((c) => c.id);
  consents.file = consents.bulk;
  consents.single = sandbox.consents('ACTIVE').slice(0, 4).map((c) => c.id);
  for (const mode of ['bulk', 'single', 'file'] as const) {
    const output = await read(sandbox.url, mode);
    expect(output.exitCode, output.stderr).toBe(0);
    references.set(mode, transactions([output]));
    expect(references.get(mode)!.size).toBeGreaterThan(20);
  }
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
});

function config(url: string, mode: Mode): Record<string, unknown> {
  return {
    credentials: { ...sandbox.credentials },
    base_url: url,
    consent_ids: consents[mode],
    // Cases run side by side against one sandbox, and a sync's reference ids are named after its
    // time (FinPro's, to the second): each proxy's own prefix keeps two cases' batches apart, as
    // two deployments sharing one FinPro account must keep theirs.
    reference_id_prefix: `h${new URL(url).port}`,
    ...FIXED_RANGE,
    page_size: 5,
    max_concurrency: 4,
    submission_mode: mode === 'file' ? 'file' : 'json',
    // A row stuck in a state the server invented ends the sync (INCOMPLETE) instead of waiting 2 h.
    polling: { initial_interval_seconds: 0.05, max_interval_seconds: 0.3, max_wait_minutes: 0.25 },
    request_timeout_seconds: 5,
  };
}

function read(url: string, mode: Mode, state?: unknown[], timeoutMs = 60_000): Promise<EntrypointOutput> {
  counter.add({ runs_scanned_for_secrets: 1 });
  return runRead({ config: config(url, mode), catalog: configuredCatalog() as unknown as Record<string, unknown>, ...(state ? { state } : {}) }, { timeoutMs });
}

/** Transactions independent of sessions, with decimals canonical (a number 12.5 and "12.50" are one amount). */
function transactions(outputs: EntrypointOutput[]): Set<string> {
  const canon = (v: unknown): string => String(v).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  const out = new Set<string>();
  for (const o of outputs) for (const t of o.recordsByStream.get('fi_transactions') ?? []) out.add(`${t['consent_id']}|${t['link_reference_number']}|${t['txn_id']}|${canon(t['amount'])}|${canon(t['current_balance'])}`);
  return out;
}

/** What every outcome must respect; returns the failing TRACE ERROR's type when it failed. */
function expectNoCrash(output: EntrypointOutput, label: string): 'ok' | 'system_error' | 'transient_error' {
  expect(output.stderr, label).not.toMatch(/\n\s+at /);
  expect(output.stderr, label).not.toMatch(/unhandled/i);
  expect(output.stdoutLines.every((line) => line.startsWith('{')), label).toBe(true);
  if (output.exitCode === 0) {
    expect(output.errors, label).toEqual([]);
    return 'ok';
  }
  expect(output.exitCode, label).toBe(1);
  expect(output.errors.length, `${label}: a failing run ends with a TRACE ERROR`).toBeGreaterThan(0);
  const error = output.errors.at(-1)!;
  expect(error.message, `${label}: a lying server is a handled failure, not a crash`).not.toMatch(/unexpected error/);
  expect(['system_error', 'transient_error'], `${label}: ${error.failure_type}: ${error.message}`).toContain(error.failure_type);
  // Everything after the error trace is only more traces (statuses), never records or states.
  const at = output.messages.findIndex((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
  expect(output.messages.slice(at).every((m) => m.type === 'TRACE'), label).toBe(true);
  return error.failure_type as 'system_error' | 'transient_error';
}

/** The last STATE per stream resumes against the honest server, and nothing is lost. */
async function expectResumes(first: EntrypointOutput, mode: Mode, label: string, checkData: boolean): Promise<void> {
  const second = await read(sandbox.url, mode, lastStates(first));
  expect(second.exitCode, `${label}: resume: ${JSON.stringify(second.errors)} ${second.stderr.slice(-1500)}`).toBe(0);
  if (!checkData) return;
  const union = transactions([first, second]);
  const missing = [...references.get(mode)!].filter((t) => !union.has(t));
  counter.add({ records_compared: references.get(mode)!.size, records_lost: missing.length });
  expect(missing.slice(0, 3), `${label}: transactions lost after resuming`).toEqual([]);
}
  return { sandbox: () => sandbox, references, read, expectNoCrash, expectResumes, transactions };
}
