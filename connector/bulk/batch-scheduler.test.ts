import { describe, expect, it } from 'vitest';
import { ConfigError, TransientError } from '../errors/connector-errors.js';
import { MAX_WRITE_ATTEMPTS } from './ambiguous-write.js';
import { scheduleBatch } from './batch-scheduler.js';
import { FakeFinpro } from './test-support/fake-finpro.js';

const consents = ['c1', 'c2', 'c3'].map((consentId) => ({ consentId, from: '2024-01-01T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' }));
const schedule = (fake: FakeFinpro, referenceId = 'ref-0') => scheduleBatch(fake.client(), { referenceId, consents, submission: 'json', pageSize: 2 }, async () => undefined);
const scheduleCalls = (fake: FakeFinpro) => fake.calls.filter((c) => c.path === '/v2/schedule/fi/requests').length;

describe('scheduleBatch after an ambiguous write', () => {
  it('adopts the batch a schedule made when its answer was lost', async () => {
    const fake = new FakeFinpro();
    fake.faults.set('/v2/schedule/fi/requests', ['lose-answer']);
    const scheduled = await schedule(fake);
    expect(scheduled).toEqual({ batchId: fake.batches.get('ref-0')!.batch_id, adopted: true });
    expect(fake.batches.size).toBe(1);
    expect(scheduleCalls(fake)).toBe(1);
  });

  it('sends the schedule again under the same name when the look-up finds nothing', async () => {
    const fake = new FakeFinpro();
    fake.faults.set('/v2/schedule/fi/requests', ['503', '503']);
    const scheduled = await schedule(fake);
    expect(scheduled.adopted).toBe(false);
    expect(scheduleCalls(fake)).toBe(3);
  });

  it('adopts a batch found under its reference after a 409 when it holds the planned consents (a retried run)', async () => {
    const fake = new FakeFinpro();
    const batch = fake.addBatch('ref-0', ['c3', 'c1', 'c2']);
    expect(await schedule(fake)).toEqual({ batchId: batch.batch_id, adopted: true });
  });

  it("does not adopt another connection's batch under the same reference (same prefix, same instant)", async () => {
    const fake = new FakeFinpro();
    fake.addBatch('ref-0', ['c1', 'c2', 'x9']);
    await expect(schedule(fake)).rejects.toBeInstanceOf(ConfigError);
    fake.addBatch('ref-1', ['c1', 'c2', 'c3', 'x9']);
    await expect(schedule(fake, 'ref-1')).rejects.toThrow(/reference_id_prefix/);
  });

  it('does not adopt a batch of the planned consents over another range (an earlier sync of the same instant)', async () => {
    const fake = new FakeFinpro();
    fake.addBatch('ref-0', ['c1', 'c2', 'c3'], { from: '2024-05-31T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' });
    await expect(schedule(fake)).rejects.toThrow(/consents or ranges this sync did not plan/);
    fake.addBatch('ref-1', ['c1', 'c2', 'c3'], { from: '2024-01-01T00:00:00.000Z', to: '2024-06-02T00:00:00.000Z' });
    await expect(schedule(fake, 'ref-1')).rejects.toBeInstanceOf(ConfigError);
    // The same instants written another way, or kept to whole seconds, are the same range.
    const same = fake.addBatch('ref-2', ['c1', 'c2', 'c3'], { from: '2024-01-01T00:00:00Z', to: '2024-06-01T05:30:00+05:30' });
    expect(await schedule(fake, 'ref-2')).toEqual({ batchId: same.batch_id, adopted: true });
    const planned = consents.map((c) => ({ ...c, to: '2024-06-01T00:00:00.750Z' }));
    const truncated = fake.addBatch('ref-3', ['c1', 'c2', 'c3'], { from: '2024-01-01T00:00:00Z', to: '2024-06-01T00:00:00Z' });
    const adopted = await scheduleBatch(fake.client(), { referenceId: 'ref-3', consents: planned, submission: 'json', pageSize: 2 }, async () => undefined);
    expect(adopted).toEqual({ batchId: truncated.batch_id, adopted: true });
  });

  it('gives up after the one write limit with a transient error', async () => {
    const fake = new FakeFinpro();
    fake.faults.set('/v2/schedule/fi/requests', Array.from({ length: MAX_WRITE_ATTEMPTS }, () => '503' as const));
    await expect(schedule(fake)).rejects.toBeInstanceOf(TransientError);
    expect(scheduleCalls(fake)).toBe(MAX_WRITE_ATTEMPTS);
  });
});
