import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { configuredCatalog, startTestSandbox, type EntrypointOutput } from '../support/index.js';
import { FIXED_RANGE, readAll, readConfig } from '../read/read-harness.js';
import { runCrashChain } from './crash-chain.js';
import { compareDelivery, completedSyncTimes, schedulingProblems } from './delivery-check.js';
import { reliabilityCounter } from './reliability-summary.js';
import { baseSeed, SOAK, soakOr } from './reliability-env.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Reads under the sandbox's fault modes end with the same de-duplicated data as a fault-free
 * read of a sandbox with the same seed. The read engine's own tests cover `flaky` and `storm`
 * at small sizes (integration_tests/read/read-resilience.test.ts); this file adds `slow`, a
 * moderate `storm` under a tight rate limit (no 429 storm may end the sync), and a
 * combination: `flaky` faults while the read is also SIGKILLed and resumed.
 */

const CONSENTS = soakOr(150, 600);
const SEED = baseSeed(6401);
const BASE: SandboxOptions = { consents: CONSENTS, seed: SEED, speed: 50, rowsPerSecond: 1000, rateLimit: { limit: 100_000, windowMs: 60_000 } };
const EXTRA = { batch_size: 50, ...FIXED_RANGE, request_timeout_seconds: 5 };
const counter = reliabilityCounter('fault-tolerance');
const sandboxes: Sandbox[] = [];
let reference: EntrypointOutput | undefined;
let ids: string[] = [];

async function sandbox(options: SandboxOptions): Promise<Sandbox> {
  const s = await startTestSandbox(options);
  sandboxes.push(s);
  return s;
}

beforeAll(async () => {
  const calm = await sandbox(BASE);
  ids = calm.consents().map((c) => c.id);
  reference = await readAll(calm, ids, { extra: EXTRA });
  expect(reference.exitCode, reference.stderr).toBe(0);
  counter.add({ runs_scanned_for_secrets: 1 });
}, 120_000);

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

function countFaults(target: Sandbox): void {
  const stats = target.stats();
  counter.add({ faults_injected: stats.faults.total, faults_by_kind: stats.faults.by_kind, rate_limited_429: (stats.faults.by_kind['throttle_429'] ?? 0) + stats.rate_limited });
}

/** The reference restricted to some consents (a smaller run compares against its part). */
function referenceFor(consents: readonly string[]): Pick<EntrypointOutput, 'recordsByStream'> {
  const keep = new Set(consents);
  const recordsByStream = new Map<string, Record<string, unknown>[]>();
  for (const [stream, records] of reference!.recordsByStream) {
    recordsByStream.set(stream, stream === 'bulk_batches' ? records : records.filter((r) => keep.has(r['consent_id'] as string)));
  }
  return { recordsByStream };
}

function expectSameDelivery(outputs: EntrypointOutput[], target: Sandbox, completed: Iterable<string> = [], consents: readonly string[] = ids): void {
  const report = compareDelivery(outputs, referenceFor(consents));
  counter.add({ records_lost: report.lost, records_compared: report.compared });
  expect(report.problems).toEqual([]);
  expect(schedulingProblems(target.stats(), completed)).toEqual([]);
}

describe('read under faults', () => {
  it('slow: every answer 20-60 ms late, the same data as a fault-free read', { timeout: 180_000 }, async () => {
    const slow = await sandbox({ ...BASE, faults: 'slow' });
    const output = await readAll(slow, ids, { extra: EXTRA, run: { timeoutMs: 170_000 } });
    counter.add({ runs_scanned_for_secrets: 1 });
    expect(output.exitCode, JSON.stringify(output.errors)).toBe(0);
    expect(slow.stats().faults.by_kind['latency']).toBeGreaterThan(CONSENTS);
    countFaults(slow);
    expectSameDelivery([output], slow);
  });

  // Runs under SOAK=1 only: it takes 1.5-3 minutes, and today it FAILS (reported): under
  // storm bursts a /getallfidata (single FI request path) gets 503 on all 8 attempts of the
  // client's retry budget and the sync ends with a transient_error. The budget counts
  // attempts, not time, while a storm holds every request back for each 429's Retry-After.
  it.runIf(SOAK)('storm under a tight rate limit: 429 bursts never end the sync', { timeout: 900_000 }, async () => {
    // A quota the read needs several windows of, on top of storm bursts of 429 and 503. Each
    // 429 holds every request back for its Retry-After (1-2 s, not scaled by speed).
    const stormy = await sandbox({ ...BASE, faults: 'storm', rateLimit: { limit: 60, windowMs: 1_000 } });
    const slice = ids.slice(0, 60);
    const output = await readAll(stormy, slice, { extra: { ...EXTRA, batch_size: 10 }, run: { timeoutMs: 880_000 } });
    counter.add({ runs_scanned_for_secrets: 1 });
    expect(output.exitCode, JSON.stringify(output.errors)).toBe(0);
    expect(output.errors).toEqual([]);
    expect(stormy.stats().faults.by_kind['throttle_429'] ?? 0).toBeGreaterThan(5);
    expect(output.traces.some((t) => t.stream_status?.reasons?.[0]?.type === 'RATE_LIMITED')).toBe(true);
    countFaults(stormy);
    expectSameDelivery([output], stormy, [], slice);
  });

  it('flaky faults and SIGKILLs together: resumed reads deliver the same data, nothing scheduled twice', { timeout: 240_000 }, async () => {
    const flaky = await sandbox({ ...BASE, faults: 'flaky' });
    const kills = soakOr(2, 8);
    const result = await runCrashChain({
      config: readConfig(flaky, ids, EXTRA),
      catalog: configuredCatalog() as unknown as Record<string, unknown>,
      random: new SeededRandom(SEED),
      shape: { maxDelayMs: 2_500, maxLines: Math.round(reference!.stdoutLines.length / 3), maxStates: Math.max(2, Math.round(reference!.states.length / 3)) },
      kills,
    });
    counter.add({ runs_scanned_for_secrets: result.attempts.length, read_kills_survived: result.kills });
    expect(flaky.stats().faults.total).toBeGreaterThan(0);
    countFaults(flaky);
    const blobs = result.attempts.flatMap((a) => a.states.map((s) => s.stream?.stream_state));
    expectSameDelivery(result.attempts, flaky, completedSyncTimes(blobs));
  });
});
