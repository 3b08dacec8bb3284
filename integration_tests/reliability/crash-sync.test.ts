import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { findSecretLeaks, makeTempDir, registeredSecrets, startTestSandbox, writeInputFile } from '../support/index.js';
import { duckdbBusinessTables, duckdbQuery, fixedRange, sizes, syncConfig, type BusinessTables } from '../load/load-harness.js';
import { schedulingProblems } from './delivery-check.js';
import { runKillable } from './kill-runner.js';
import { reliabilityCounter } from './reliability-summary.js';
import { baseSeed, soakOr } from './reliability-env.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Crash safety of `sync` into DuckDB: SIGKILL at seeded random moments (the read runs in the
 * same process as the loader, so a kill can land mid-request, mid-insert or mid-commit), then
 * run `sync` again until one ends; the tables must equal those of an uninterrupted sync of a
 * sandbox with the same seed. Each chain uses a fresh sandbox and a fresh database file.
 * The sync engine's own test (integration_tests/load) kills at two fixed points; this one
 * draws the moments.
 */

const CHAINS = soakOr(1, 5);
const KILLS_PER_CHAIN = soakOr(3, 4);
const SEED = baseSeed(6201);
const SANDBOX: SandboxOptions = { seed: SEED, consents: 300, speed: 200, rateLimit: { limit: 100_000, windowMs: 60_000 } };
const EXTRA = { batch_size: 100 };
const range = fixedRange();
const dir = makeTempDir('finpro-crash-sync-');
const counter = reliabilityCounter('crash-sync');
const sandboxes: Sandbox[] = [];

async function sandbox(): Promise<Sandbox> {
  const s = await startTestSandbox(SANDBOX);
  sandboxes.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  dir.remove();
});

async function sync(target: Sandbox, name: string, killAfterMs?: number): Promise<{ killed: boolean; ms: number; code: number | null; stderr: string }> {
  const config = writeInputFile(dir.path, `${name}.json`, syncConfig(target, range, EXTRA));
  const run = await runKillable(['sync', '--config', config, '--to', `duckdb:${join(dir.path, `${name}.duckdb`)}`], {
    ...(killAfterMs !== undefined ? { trigger: { kind: 'time', afterMs: killAfterMs } } : {}),
  });
  counter.add({ runs_scanned_for_secrets: 1 });
  return { killed: run.killed, ms: run.elapsedMs, code: run.output.exitCode, stderr: run.output.stderr };
}

/** The stored state and every table's text must not hold a registered secret either. */
async function databaseLeaks(path: string): Promise<string[]> {
  const states = await duckdbQuery(path, 'SELECT stream_name, CAST(state AS VARCHAR) AS state FROM _airbyte_state');
  return findSecretLeaks({ _airbyte_state: JSON.stringify(states) }, registeredSecrets());
}

describe('sync into DuckDB: SIGKILL at random moments, then sync again', () => {
  it(`${CHAINS} chains of ${KILLS_PER_CHAIN} kills each end with the tables of an uninterrupted sync`, { timeout: soakOr(240_000, 900_000) }, async () => {
    const clean = await sandbox();
    const first = await sync(clean, 'reference');
    expect(first.code, first.stderr).toBe(0);
    const reference: BusinessTables = await duckdbBusinessTables(join(dir.path, 'reference.duckdb'));
    expect(reference['fi_transactions']!.length).toBeGreaterThan(1000);
    const random = new SeededRandom(SEED);

    for (let chain = 0; chain < CHAINS; chain++) {
      const target = await sandbox();
      const name = `chain-${chain}`;
      const moments: string[] = [];
      let kills = 0;
      for (let attempt = 0; ; attempt++) {
        expect(attempt, `chain ${chain} never finished; kills at ${moments.join(', ')}`).toBeLessThan(KILLS_PER_CHAIN * 3 + 3);
        // Anywhere from process start (DuckDB opening, state loading) to near the end of a full sync.
        const killAfterMs = kills < KILLS_PER_CHAIN ? random.int(150, Math.round(first.ms * 0.9)) : undefined;
        const run = await sync(target, name, killAfterMs);
        if (run.killed) {
          kills++;
          moments.push(`${killAfterMs} ms`);
          continue;
        }
        expect(run.code, `chain ${chain} (kills at ${moments.join(', ')}):\n${run.stderr}`).toBe(0);
        if (kills >= KILLS_PER_CHAIN) break;
        // The sync ended before this kill's moment: kill the next run earlier (an incremental
        // sync after a complete one must leave the tables unchanged, which the check covers).
      }
      const db = join(dir.path, `${name}.duckdb`);
      const tables = await duckdbBusinessTables(db);
      const context = `chain ${chain}, kills at ${moments.join(', ')}`;
      expect(sizes(tables), context).toEqual(sizes(reference));
      expect(tables, context).toEqual(reference);
      expect(schedulingProblems(target.stats()), context).toEqual([]);
      expect(await databaseLeaks(db)).toEqual([]);
      const [dupes] = await duckdbQuery(db, 'SELECT COUNT(*) - COUNT(DISTINCT (session_id, link_reference_number, txn_id)) AS d FROM fi_transactions');
      expect(Number(dupes!['d']), context).toBe(0);
      counter.add({ sync_kills_survived: kills, records_compared: reference['fi_transactions']!.length, records_lost: Math.max(0, reference['fi_transactions']!.length - tables['fi_transactions']!.length) });
    }
  });
});
