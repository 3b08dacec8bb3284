import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { findSecretLeaks, makeTempDir, registeredSecrets, startTestSandbox, writeInputFile } from '../support/index.js';
import { duckdbBusinessTables, duckdbQuery, fixedRange, sizes, syncConfig, type BusinessTables } from '../load/load-harness.js';
import { completedSyncTimes, schedulingProblems } from './delivery-check.js';
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

const KILLS = soakOr(3, 15);
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

/** Sync times the destination's stored state records as completed (none before the first commit). */
async function storedCompletions(path: string): Promise<Set<string>> {
  const rows = await duckdbQuery(path, 'SELECT CAST(state AS VARCHAR) AS state FROM _airbyte_state').catch(() => []);
  return completedSyncTimes(rows.map((row) => streamStateOf(JSON.parse(String(row['state'])))));
}

/** The stored value may be the STATE message or its stream_state. */
function streamStateOf(stored: unknown): unknown {
  const stream = (stored as { stream?: { stream_state?: unknown } } | null)?.stream;
  return stream?.stream_state ?? stored;
}

/** The stored state and every table's text must not hold a registered secret either. */
async function databaseLeaks(path: string): Promise<string[]> {
  const states = await duckdbQuery(path, 'SELECT stream_name, CAST(state AS VARCHAR) AS state FROM _airbyte_state');
  return findSecretLeaks({ _airbyte_state: JSON.stringify(states) }, registeredSecrets());
}

describe('sync into DuckDB: SIGKILL at random moments, then sync again', () => {
  it(`${KILLS} kills, each chain of kills ending with the tables of an uninterrupted sync`, { timeout: soakOr(240_000, 900_000) }, async () => {
    const clean = await sandbox();
    const first = await sync(clean, 'reference');
    expect(first.code, first.stderr).toBe(0);
    const reference: BusinessTables = await duckdbBusinessTables(join(dir.path, 'reference.duckdb'));
    expect(reference['fi_transactions']!.length).toBeGreaterThan(1000);
    const random = new SeededRandom(SEED);

    let total = 0;
    for (let chain = 0; total < KILLS; chain++) {
      expect(chain, `too many syncs ended before their kill; kills so far ${total}`).toBeLessThan(KILLS * 2);
      const target = await sandbox();
      const name = `chain-${chain}`;
      const moments: string[] = [];
      let kills = 0;
      const completed = new Set<string>();
      // Kill, sync again, until one sync ends on its own (after which a new sync would be an
      // incremental one, not a resume: the next chain starts afresh).
      for (let attempt = 0; ; attempt++) {
        expect(attempt, `chain ${chain} never finished; kills at ${moments.join(', ')}`).toBeLessThan(KILLS * 3 + 3);
        // Anywhere from process start (DuckDB opening, state loading) to near the end of a full sync.
        const killAfterMs = total + kills < KILLS ? random.int(150, Math.round(first.ms * 0.8)) : undefined;
        const run = await sync(target, name, killAfterMs);
        for (const time of await storedCompletions(join(dir.path, `${name}.duckdb`))) completed.add(time);
        if (run.killed) {
          kills++;
          moments.push(`${killAfterMs} ms`);
          continue;
        }
        expect(run.code, `chain ${chain} (kills at ${moments.join(', ')}):\n${run.stderr}`).toBe(0);
        break;
      }
      total += kills;
      const db = join(dir.path, `${name}.duckdb`);
      const tables = await duckdbBusinessTables(db);
      const context = `chain ${chain}, kills at ${moments.join(', ')}`;
      expect(sizes(tables), context).toEqual(sizes(reference));
      expect(tables, context).toEqual(reference);
      // No consent scheduled twice in one sync window: the plan's checkpoint is durable in the
      // destination (the loader's barrier) before the first schedule call.
      const doubled = schedulingProblems(target.stats(), completed);
      expect(doubled, context).toEqual([]);
      expect(await databaseLeaks(db)).toEqual([]);
      const [dupes] = await duckdbQuery(db, 'SELECT COUNT(*) - COUNT(DISTINCT (session_id, link_reference_number, txn_id)) AS d FROM fi_transactions');
      expect(Number(dupes!['d']), context).toBe(0);
      counter.add({ sync_kills_survived: kills, records_compared: reference['fi_transactions']!.length, records_lost: Math.max(0, reference['fi_transactions']!.length - tables['fi_transactions']!.length) });
    }
  });
});
