import { describe, expect, it } from 'vitest';
import type { InFlightBatch, SyncProgress } from './stream-state.js';
import { isSyncFinished, nextSync, orphanChunks } from './sync-progress-transitions.js';

const sync: SyncProgress = { time: '2026-03-10T12:00:00.000Z', base_id: null, fingerprint: 'f', chunks: 2, next_chunk: 0, done_chunks: '', failed_at: '', batches: [] };
const batch = (ref: string, chunk: number, attempt = 0): InFlightBatch => ({ ref, batch_id: `b-${ref}`, chunk, attempt, mode: 'bulk', submission: 'json', done: '' });

describe('nextSync', () => {
  it('follows a sync from its first schedule to its last finished batch', () => {
    let s = nextSync(sync, { type: 'batch-scheduled', batch: batch('r-0', 0) });
    s = nextSync(s, { type: 'batch-scheduled', batch: batch('r-1', 1) });
    expect(s.next_chunk).toBe(2);
    s = nextSync(s, { type: 'rows-settled', ref: 'r-0', rows: [1, 2, 3], failedAt: [9] });
    expect(s.batches[0]!.done).toBe('1-3');
    s = nextSync(s, { type: 'batch-finished', ref: 'r-0', failedAt: [1, 8], next: batch('r-0-r1', 0, 1) });
    expect(s.done_chunks).toBe('');
    s = nextSync(s, { type: 'batch-finished', ref: 'r-0-r1', failedAt: [] });
    s = nextSync(s, { type: 'batch-finished', ref: 'r-1', failedAt: [] });
    expect(s.done_chunks).toBe('0-1');
    expect(s.failed_at).toBe('1,8-9');
    expect(isSyncFinished(s)).toBe(true);
  });

  it('never changes the progress it is given', () => {
    const before = structuredClone(sync);
    const s = nextSync(sync, { type: 'batch-scheduled', batch: batch('r-0', 0) });
    nextSync(s, { type: 'rows-settled', ref: 'r-0', rows: [1], failedAt: [3] });
    expect(sync).toEqual(before);
    expect(s.batches[0]!.done).toBe('');
  });

  it('replaces a batch on update, and returns the same object for a batch it does not hold', () => {
    const s = nextSync(sync, { type: 'batch-scheduled', batch: batch('r-0', 0) });
    const updated = nextSync(s, { type: 'batch-updated', batch: { ...batch('r-0', 0), done: '1' } });
    expect(updated.batches).toEqual([{ ...batch('r-0', 0), done: '1' }]);
    expect(nextSync(s, { type: 'batch-finished', ref: 'unknown', failedAt: [1] })).toBe(s);
  });

  it('turns a dropped batch into an orphan chunk to schedule again', () => {
    let s = nextSync(sync, { type: 'batch-scheduled', batch: batch('r-0', 0) });
    s = nextSync(s, { type: 'batch-dropped', ref: 'r-0' });
    expect(orphanChunks(s)).toEqual([0]);
    expect(isSyncFinished(s)).toBe(false);
  });
});
