import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { startTestSandbox } from '../support/index.js';
import { deliveredData, FIXED_RANGE, lastStates, readAll, readConfig, readUntilKilled } from './read-harness.js';

const sandboxes: Sandbox[] = [];
async function sandbox(options: Parameters<typeof startTestSandbox>[0]): Promise<Sandbox> {
  const s = await startTestSandbox(options);
  sandboxes.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

/** An FI request spends the consent's fetch quota: no consent may be asked twice for one sync. */
function requestCounts(s: Sandbox, ids: string[]): number[] {
  const stats = s.stats();
  return ids.map((id) => stats.fi_requests[id]?.count ?? 0);
}

describe('read: single FI requests spend each consent\'s quota once', () => {
  it('checkpoints each session as soon as FinPro names it, and a resumed read asks no consent twice', { timeout: 60_000 }, async () => {
    // Slow sessions (speed 1: 1-3 s each), so the kill lands while they are pending.
    const options = { consents: 40, speed: 1, seed: 61, rateLimit: { limit: 100_000, windowMs: 60_000 } };
    const interrupted = await sandbox(options);
    const ids = interrupted.consents('ACTIVE').slice(0, 7).map((c) => c.id);
    const config = readConfig(interrupted, ids, FIXED_RANGE);

    // Killed the moment the sandbox has created the second session: the connector may not have read its answer yet.
    const first = await readUntilKilled(config, () => interrupted.stats().sessions_created >= 2);
    expect(first.signal).toBe('SIGKILL');
    expect(first.states.length).toBeGreaterThan(0);
    // The kill must land while sessions are pending. Not every session need be unnamed by then:
    // the sandbox runs in this process and may create the other five before the kill goes out
    // (CI saw 7 of 7 once), but at speed 1 none is ready, so no consent has its final row yet.
    expect(interrupted.stats().sessions_created).toBeGreaterThanOrEqual(2);
    expect(deliveredData([first]).outcomes.size).toBeLessThan(ids.length);

    const second = await readAll(interrupted, ids, { extra: FIXED_RANGE, state: lastStates(first) });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(requestCounts(interrupted, ids)).toEqual(ids.map(() => 1));

    const clean = await sandbox(options);
    const reference = await readAll(clean, ids, { extra: FIXED_RANGE });
    expect(reference.exitCode, reference.stderr).toBe(0);
    const resumed = deliveredData([first, second]);
    const uninterrupted = deliveredData([reference]);
    expect(resumed.outcomes).toEqual(uninterrupted.outcomes);
    expect(resumed.transactions).toEqual(uninterrupted.transactions);
    expect(resumed.transactions.size).toBeGreaterThan(0);
  });
});
