import { describe, expect, it } from 'vitest';
import { chunkReferenceId, retryReferenceId } from './reference-id.js';
import { plannedSingleBatch, singleBatchId } from './single-backend.js';

const c1 = { consentId: 'c1', from: '2024-01-01T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' };
const c2 = { consentId: 'c2', from: '2024-01-01T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' };

describe('single FI request batch ids', () => {
  it('name the work, not the sync time: two syncs planning the same requests get the same id', () => {
    const first = plannedSingleBatch({ referenceId: chunkReferenceId('finpro', '2026-01-23T10:15:00.123Z', 0), chunk: 0, attempt: 0, consents: [c1, c2] });
    const second = plannedSingleBatch({ referenceId: chunkReferenceId('finpro', '2026-02-01T08:00:00.000Z', 0), chunk: 0, attempt: 0, consents: [c1, c2] });
    expect(first.ref).not.toBe(second.ref);
    expect(first.batch_id).toBe(second.batch_id);
    expect(first.batch_id).toMatch(/^single-0-[0-9a-f]{16}$/);
    expect(first.batch_id).not.toContain('2026');
  });

  it('leave the range end out (it is the sync time unless configured), and read range starts as instants', () => {
    const base = singleBatchId(0, 0, [c1, c2]);
    expect(singleBatchId(0, 0, [{ ...c1, to: '2024-07-01T00:00:00.000Z' }, c2])).toBe(base);
    expect(singleBatchId(0, 0, [{ ...c1, from: '2024-01-01T00:00:00Z' }, c2])).toBe(base);
  });

  it('differ for any other chunk, retry attempt, consent, row order or range start, so no two batches of a sync share one', () => {
    const ref = chunkReferenceId('finpro', '2026-01-23T10:15:00.123Z', 0);
    const ids = [
      plannedSingleBatch({ referenceId: ref, chunk: 0, attempt: 0, consents: [c1, c2] }).batch_id,
      plannedSingleBatch({ referenceId: retryReferenceId(ref, 1), chunk: 0, attempt: 1, consents: [c1, c2] }).batch_id,
      singleBatchId(1, 0, [c1, c2]),
      singleBatchId(0, 0, [c1]),
      singleBatchId(0, 0, [c2, c1]),
      singleBatchId(0, 0, [{ ...c1, from: '2024-02-01T00:00:00.000Z' }, c2]),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[1]).toMatch(/^single-0-r1-[0-9a-f]{16}$/);
  });
});
