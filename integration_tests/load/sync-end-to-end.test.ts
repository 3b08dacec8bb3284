import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { defaultConfiguredCatalog } from '../../connector/load/load-catalog.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from '../../connector/load/test-support/postgres-test-db.js';
import { makeTempDir, startTestSandbox, writeInputFile } from '../support/index.js';
import {
  duckdbBusinessTables,
  duckdbQuery,
  fixedRange,
  postgresBusinessTables,
  runCli,
  runPipe,
  sizes,
  spawnCli,
  syncConfig,
  type BusinessTables,
} from './load-harness.js';

/**
 * `sync` and `load` end to end: the built CLI against a real sandbox over HTTP, into real
 * DuckDB files and a real Postgres schema. Every run uses a sandbox with the same seed and a
 * fixed FI data range, so an uninterrupted sync is the reference the others must equal.
 */

const SANDBOX: SandboxOptions = { seed: 7, consents: 200, speed: 200, rateLimit: { limit: 100_000, windowMs: 60_000 } };
const EXTRA = { batch_size: 100 };
const range = fixedRange();
const dir = makeTempDir('finpro-sync-e2e-');
const sandboxes: Sandbox[] = [];
const schemas: string[] = [];
let baseline: BusinessTables | undefined;

async function freshSandbox(): Promise<Sandbox> {
  const sandbox = await startTestSandbox(SANDBOX);
  sandboxes.push(sandbox);
  return sandbox;
}

function configFor(sandbox: Sandbox, name: string): string {
  return writeInputFile(dir.path, `${name}.json`, syncConfig(sandbox, range, EXTRA));
}

/** "loaded now" of a table in the summary a sync prints. */
function loadedNow(stdout: string, table: string): number {
  const line = stdout.split('\n').find((l) => l.startsWith(`${table} `));
  if (line === undefined) throw new Error(`no ${table} line in the summary:\n${stdout}`);
  return Number(line.trim().split(/\s+/)[2]!.replaceAll(',', ''));
}

function reference(): BusinessTables {
  if (baseline === undefined) throw new Error('the uninterrupted sync (first test) did not run');
  return baseline;
}

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
  await dropSchemas(schemas);
  dir.remove();
});

describe('sync into DuckDB', () => {
  it('loads typed, de-duplicated tables, views and state; a second sync is incremental', async () => {
    const sandbox = await freshSandbox();
    const config = configFor(sandbox, 'reference');
    const db = join(dir.path, 'reference.duckdb');
    const first = await runCli(['sync', '--config', config, '--to', `duckdb:${db}`]);
    expect(first.code, first.stderr).toBe(0);
    baseline = await duckdbBusinessTables(db);
    expect(baseline['fi_transactions']!.length).toBeGreaterThan(1000);
    expect(loadedNow(first.stdout, 'fi_transactions')).toBeGreaterThanOrEqual(baseline['fi_transactions']!.length);
    expect(baseline['consent_status']).toHaveLength(200);
    expect(baseline['fi_transactions_monthly']!.length).toBeGreaterThan(0);
    // The summary reads the tables; only the demo adds a sample, which reads every transaction.
    expect(first.stdout).toContain('FI data in the tables by fi_type');
    expect(first.stdout).not.toContain('Sample:');
    expect((await duckdbQuery(db, 'SELECT stream_name FROM _airbyte_state ORDER BY 1')).map((row) => row['stream_name'])).toEqual([
      'bulk_batch_rows',
      'bulk_batches',
      'fi_accounts',
      'fi_data',
      'fi_holdings',
      'fi_transactions',
    ]);
    // The primary key really is unique after dedup.
    const [dupes] = await duckdbQuery(db, 'SELECT COUNT(*) - COUNT(DISTINCT (session_id, link_reference_number, txn_id)) AS d FROM fi_transactions');
    expect(Number(dupes!['d'])).toBe(0);

    const requestsBefore = sandbox.stats().getallfidata.requests;
    const second = await runCli(['sync', '--config', config, '--to', `duckdb:${db}`]);
    expect(second.code, second.stderr).toBe(0);
    // Incremental: the state in _airbyte_state says every consent is read up to the fixed range end.
    expect(loadedNow(second.stdout, 'fi_transactions')).toBe(0);
    expect(sandbox.stats().getallfidata.requests - requestsBefore).toBeLessThan(30);
    expect(sizes(await duckdbBusinessTables(db))).toEqual(sizes(baseline));
  });

  it('the demo (sync --sandbox) ends with a sample of fi_transactions_monthly', async () => {
    const db = join(dir.path, 'demo.duckdb');
    const demo = await runCli(['sync', '--sandbox', '--consents', '30', '--to', `duckdb:${db}`]);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Sample: SELECT * FROM fi_transactions_monthly');
  });

  it('`read | load` gives the same tables as `sync`', async () => {
    const sandbox = await freshSandbox();
    const config = configFor(sandbox, 'pipe');
    const catalog = writeInputFile(dir.path, 'catalog.json', defaultConfiguredCatalog());
    const db = join(dir.path, 'pipe.duckdb');
    const { read, load } = await runPipe(['read', '--config', config, '--catalog', catalog], ['load', '--to', `duckdb:${db}`]);
    expect(read.code, read.stderr).toBe(0);
    expect(load.code, load.stderr).toBe(0);
    expect(await duckdbBusinessTables(db)).toEqual(reference());
  });

  it('kill -9 at any moment and run again: the same tables as an uninterrupted sync', async () => {
    const sandbox = await freshSandbox();
    const config = configFor(sandbox, 'killed');
    const db = join(dir.path, 'killed.duckdb');
    const partial: number[] = [];
    // Kill when the sandbox has served a third, then two thirds of the FI data: mid-harvest, commits behind and ahead.
    for (const fraction of [0.33, 0.66]) {
      const target = sandbox.stats().getallfidata.requests + Math.round(200 * fraction * 0.7);
      const running = spawnCli(['sync', '--config', config, '--to', `duckdb:${db}`]);
      const killed = await new Promise<boolean>((resolve) => {
        const timer = setInterval(() => {
          if (sandbox.stats().getallfidata.requests >= target) {
            clearInterval(timer);
            resolve(running.child.kill('SIGKILL'));
          }
        }, 10);
        void running.done.then(() => {
          clearInterval(timer);
          resolve(false);
        });
      });
      const result = await running.done;
      expect(killed, `the sync ended before it could be killed:\n${result.stderr}`).toBe(true);
      expect(result.signal).toBe('SIGKILL');
      partial.push((await duckdbQuery(db, 'SELECT COUNT(*) AS n FROM fi_transactions').catch(() => [{ n: 0 }]))[0]!['n'] as number);
    }
    const last = await runCli(['sync', '--config', config, '--to', `duckdb:${db}`]);
    expect(last.code, last.stderr).toBe(0);
    const after = await duckdbBusinessTables(db);
    expect(sizes(after), `partial fi_transactions counts after each kill: ${partial.join(', ')}`).toEqual(sizes(reference()));
    expect(after).toEqual(reference());
  });
});

const pgAvailable = await postgresAvailable();

describe.skipIf(!pgAvailable)('sync into Postgres', () => {
  let schema = '';
  beforeAll(() => {
    schema = uniqueSchema('finpro_sync');
    schemas.push(schema);
  });

  it('gives the same tables as the DuckDB sync, and a second sync is incremental', async () => {
    const sandbox = await freshSandbox();
    const config = configFor(sandbox, 'postgres');
    const to = `${PG_URL}?schema=${schema}`;
    const first = await runCli(['sync', '--config', config, '--to', to]);
    expect(first.code, first.stderr).toBe(0);
    expect(await postgresBusinessTables(PG_URL, schema)).toEqual(reference());
    const second = await runCli(['sync', '--config', config, '--to', to]);
    expect(second.code, second.stderr).toBe(0);
    expect(loadedNow(second.stdout, 'fi_transactions')).toBe(0);
    expect(sizes(await postgresBusinessTables(PG_URL, schema))).toEqual(sizes(reference()));
  });
});
