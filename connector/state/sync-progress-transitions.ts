import { addToRanges, decodeRanges } from './range-set.js';
import type { InFlightBatch, SyncProgress } from './stream-state.js';

/**
 * How the sync in flight moves, as a pure function of (progress, event): the engine keeps one
 * SyncProgress (sync-progress-keeper.ts) and applies each event to it once; every stream's
 * STATE carries a copy made at the checkpoint.
 */
export type SyncEvent =
  | { type: 'batch-scheduled'; batch: InFlightBatch }
  /** `failedAt`: plan positions of consents that failed for good (see SyncProgress.failed_at). */
  | { type: 'rows-settled'; ref: string; rows: readonly number[]; failedAt?: readonly number[] }
  | { type: 'batch-updated'; batch: InFlightBatch }
  | { type: 'batch-finished'; ref: string; failedAt: readonly number[]; next?: InFlightBatch | undefined }
  | { type: 'batch-dropped'; ref: string };

/** The progress after `event`; the same object when the event changes nothing (a batch it does not hold). */
export function nextSync(sync: SyncProgress, event: SyncEvent): SyncProgress {
  switch (event.type) {
    case 'batch-scheduled': {
      const batches = sync.batches.filter((b) => b.ref !== event.batch.ref);
      return { ...sync, next_chunk: Math.max(sync.next_chunk, event.batch.chunk + 1), batches: [...batches, event.batch] };
    }
    case 'rows-settled':
      return {
        ...sync,
        // Merged as ranges: expanding a 10,000-row batch's `done` at every page was the cost.
        batches: sync.batches.map((b) => (b.ref === event.ref ? { ...b, done: addToRanges(b.done, event.rows) } : b)),
        ...(event.failedAt !== undefined && event.failedAt.length > 0 ? { failed_at: addToRanges(sync.failed_at, event.failedAt) } : {}),
      };
    case 'batch-updated':
      return { ...sync, batches: sync.batches.map((b) => (b.ref === event.batch.ref ? event.batch : b)) };
    case 'batch-finished': {
      const finished = sync.batches.find((b) => b.ref === event.ref);
      if (finished === undefined) return sync;
      const batches = sync.batches.filter((b) => b.ref !== event.ref);
      if (event.next !== undefined) batches.push(event.next);
      const chunkOpen = batches.some((b) => b.chunk === finished.chunk);
      const doneChunks = chunkOpen ? sync.done_chunks : addToRanges(sync.done_chunks, [finished.chunk]);
      return { ...sync, batches, failed_at: addToRanges(sync.failed_at, event.failedAt), done_chunks: doneChunks };
    }
    case 'batch-dropped':
      // The server no longer knows the batch: its chunk becomes an orphan and is scheduled again.
      return { ...sync, batches: sync.batches.filter((b) => b.ref !== event.ref) };
  }
}

/** Every chunk of the sync has been scheduled and finished. */
export function isSyncFinished(sync: SyncProgress): boolean {
  return sync.next_chunk >= sync.chunks && sync.batches.length === 0;
}

/** Chunks scheduled earlier whose batches are gone but which never finished (e.g. dropped): they need a new batch. */
export function orphanChunks(sync: SyncProgress): number[] {
  const done = decodeRanges(sync.done_chunks);
  const open = new Set(sync.batches.map((b) => b.chunk));
  const orphans: number[] = [];
  for (let chunk = 0; chunk < sync.next_chunk; chunk++) if (!done.has(chunk) && !open.has(chunk)) orphans.push(chunk);
  return orphans;
}
