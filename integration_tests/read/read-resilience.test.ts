import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { startTestSandbox } from '../support/index.js';
import { deliveredData, expectSameDataUnderFaults, FIXED_RANGE, keysByStream, lastStates, readAll, readConfig, readUntilKilled } from './read-harness.js';

const STREAMS = ['bulk_batches', 'bulk_batch_rows', 'fi_data', 'fi_accounts', 'fi_transactions'];
const sandboxes: Sandbox[] = [];
async function sandbox(options: Parameters<typeof startTestSandbox>[0]): Promise<Sandbox> {
  const s = await startTestSandbox(options);
  sandboxes.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('read: resume after SIGKILL', () => {
  it('schedules each reference once and, de-duplicated, delivers what an uninterrupted run does', { timeout: 120_000 }, async () => {
    const options = { consents: 300, speed: 20, rowsPerSecond: 400, seed: 21, rateLimit: { limit: 100_000, windowMs: 60_000 } };
    const interrupted = await sandbox(options);
    const ids = interrupted.consents().map((c) => c.id);
    const config = readConfig(interrupted, ids, { batch_size: 100, ...FIXED_RANGE });

    // SIGKILL once a STATE shows rows already harvested in a batch.
    const first = await readUntilKilled(config, (stdout) => /"STATE".*"done":"\d/.test(stdout));
    expect(first.signal).toBe('SIGKILL');
    expect(first.protocolErrors).toEqual([]);
    const second = await readAll(interrupted, ids, { extra: { batch_size: 100, ...FIXED_RANGE }, state: lastStates(first) });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.logs.some((l) => l.message.startsWith('Resuming sync'))).toBe(true);
    const stats = interrupted.stats();
    expect(Object.values(stats.batches_created).every((n) => n === 1)).toBe(true);
    expect(Object.keys(stats.batches_created).length).toBeGreaterThanOrEqual(3);

    const clean = await sandbox(options);
    const reference = await readAll(clean, ids, { extra: { batch_size: 100, ...FIXED_RANGE } });
    expect(reference.exitCode, reference.stderr).toBe(0);

    const resumed = deliveredData([first, second]);
    const uninterrupted = deliveredData([reference]);
    expect(resumed.outcomes).toEqual(uninterrupted.outcomes);
    expect(resumed.transactions).toEqual(uninterrupted.transactions);
    expect(resumed.accounts).toEqual(uninterrupted.accounts);
    // Same sessions in both parts of the interrupted run: the resumed batches were adopted, not redone.
    const keys = keysByStream([first, second], STREAMS);
    expect(keys.get('fi_data')!.size).toBe(keysByStream([reference], STREAMS).get('fi_data')!.size);
  });
});

describe('read: faults', () => {
  // The storm case lives in read-storm.test.ts: its Retry-After waits are real seconds, so it runs beside the other files.
  it('delivers under flaky faults the same data as without', { timeout: 120_000 }, async () => {
    await expectSameDataUnderFaults('flaky', sandbox);
  });
});

describe('read: rate limit', () => {
  it('makes no request past a 50 per 2 s limit in a run that needs several windows', { timeout: 120_000 }, async () => {
    // Short windows: the same number of window changes (where a 429 would come from) in a fifth of the time.
    const limited = await sandbox({ consents: 160, speed: 50, rowsPerSecond: 2000, seed: 41, rateLimit: { limit: 50, windowMs: 2_000 } });
    const ids = limited.consents().map((c) => c.id);
    const output = await readAll(limited, ids, { extra: { batch_size: 200, ...FIXED_RANGE } });
    expect(output.exitCode, output.stderr).toBe(0);
    const stats = limited.stats();
    expect(stats.requests.total).toBeGreaterThan(150);
    expect(stats.rate_limited).toBe(0);
  });
});
