import { spawn, type ChildProcess } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import type { Sandbox } from '../../sandbox/index.js';
import { requireBuiltCli } from '../support/index.js';

/**
 * Subprocess helpers for `sync`/`load`: the built CLI run as a user runs it, and the tables
 * it leaves read back in a form two runs (or two databases) can be compared in.
 */

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
}

export function spawnCli(args: readonly string[], options: { stdin?: 'pipe' | 'ignore'; cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [requireBuiltCli(), ...args], {
    cwd: options.cwd,
    env: { ...process.env, SOURCE_FINPRO_DEBUG: '' },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  const running = spawnCli(args);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  return running.done.finally(() => clearTimeout(timer));
}

/** `read ... | load ...` as a shell pipe would run it: two processes, the source's stdout into the loader's stdin. */
export async function runPipe(readArgs: readonly string[], loadArgs: readonly string[]): Promise<{ read: CliResult; load: CliResult }> {
  const reader = spawnCli(readArgs);
  const loader = spawnCli(loadArgs, { stdin: 'pipe' });
  reader.child.stdout!.removeAllListeners('data');
  reader.child.stdout!.pipe(loader.child.stdin!);
  const [read, load] = await Promise.all([reader.done, loader.done]);
  return { read, load };
}

/** A fixed FI data range, so runs minutes apart ask the sandbox for exactly the same data. */
export function fixedRange(): { fi_data_range_from: string; fi_data_range_to: string } {
  const to = new Date(Date.now() - 86_400_000);
  to.setUTCHours(0, 0, 0, 0);
  const from = new Date(to.getTime() - 120 * 86_400_000);
  return { fi_data_range_from: from.toISOString(), fi_data_range_to: to.toISOString() };
}

export function syncConfig(sandbox: Sandbox, range: ReturnType<typeof fixedRange>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    credentials: { ...sandbox.credentials },
    base_url: sandbox.url,
    consent_ids: sandbox.consents().map((consent) => consent.id),
    polling: { initial_interval_seconds: 0.05, max_interval_seconds: 0.3, max_wait_minutes: 5 },
    request_timeout_seconds: 10,
    ...range,
    ...extra,
  };
}

/**
 * What a sync must get right, table by table, without what legitimately differs between two
 * runs: Airbyte's per-row ids and times, FinPro session ids (a fresh FI request gets a new one)
 * and our fetch times.
 */
export const BUSINESS_QUERIES: Record<string, string> = {
  fi_transactions:
    'SELECT consent_id, link_reference_number, txn_id, "type", "mode", CAST(amount AS VARCHAR) AS amount, CAST(current_balance AS VARCHAR) AS current_balance, CAST(transaction_timestamp AS VARCHAR) AS transaction_timestamp, CAST(value_date AS VARCHAR) AS value_date, narration, reference FROM fi_transactions',
  fi_accounts:
    'SELECT consent_id, link_reference_number, fi_type, fip_id, masked_account_number, account_type, CAST(current_balance AS VARCHAR) AS current_balance, currency FROM fi_accounts',
  fi_data: 'SELECT consent_id, link_reference_number, fi_type, fip_id, masked_account_number FROM fi_data',
  consent_status: 'SELECT consent_id, row_status, error_code FROM consent_status',
  fi_transactions_monthly:
    'SELECT consent_id, link_reference_number, CAST(month AS VARCHAR) AS month, CAST(credits AS VARCHAR) AS credits, CAST(debits AS VARCHAR) AS debits, CAST(transaction_count AS VARCHAR) AS transaction_count, CAST(other_transaction_count AS VARCHAR) AS other_transaction_count, CAST(closing_balance AS VARCHAR) AS closing_balance FROM fi_transactions_monthly',
};

export type BusinessTables = Record<string, string[]>;

/** Each row as one canonical line (decimals without trailing zeros), sorted: a multiset two runs can be compared by. */
function canonical(rows: Record<string, unknown>[]): string[] {
  return rows
    .map((row) =>
      JSON.stringify(
        Object.values(row).map((value) => (typeof value === 'string' && /^-?\d+\.\d+$/.test(value) ? value.replace(/0+$/, '').replace(/\.$/, '') : value === null ? null : String(value))),
      ),
    )
    .sort();
}

export async function duckdbBusinessTables(path: string): Promise<BusinessTables> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const out: BusinessTables = {};
    for (const [name, query] of Object.entries(BUSINESS_QUERIES)) {
      out[name] = canonical((await connection.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[]);
    }
    return out;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function duckdbQuery(path: string, query: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function postgresBusinessTables(connectionString: string, schema: string): Promise<BusinessTables> {
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema} -c TimeZone=UTC` });
  await client.connect();
  try {
    const out: BusinessTables = {};
    for (const [name, query] of Object.entries(BUSINESS_QUERIES)) {
      out[name] = canonical((await client.query(query.replaceAll('AS VARCHAR', 'AS TEXT'))).rows as Record<string, unknown>[]);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Row counts per table, for messages that say how far apart two results are. */
export function sizes(tables: BusinessTables): Record<string, number> {
  return Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.length]));
}
