import { consentSketch } from './consent-sketch.js';
import { addToRanges, decodeRanges } from './range-set.js';
import type { Base, InFlightBatch, StreamState, SyncProgress } from './read-state.js';

/**
 * How a stream's state moves, as pure functions of (state, event): what the read engine
 * checkpoints is always `nextState` applied to what it checkpointed before. Cursor arithmetic
 * lives here too, so it is tested without a server.
 */
export type StateEvent =
  | { type: 'sync-started'; sync: SyncProgress }
  | { type: 'batch-scheduled'; batch: InFlightBatch }
  /** `failedAt`: plan positions of consents that failed for good (see SyncProgress.failed_at). */
  | { type: 'rows-settled'; ref: string; rows: readonly number[]; failedAt?: readonly number[] }
  | { type: 'batch-updated'; batch: InFlightBatch }
  | { type: 'batch-finished'; ref: string; failedAt: readonly number[]; next?: InFlightBatch | undefined }
  | { type: 'batch-dropped'; ref: string }
  | { type: 'sync-completed'; base: Base | null }
  | { type: 'records-emitted'; cursor: string };

export function emptyState(): StreamState {
  return { v: 1, cursor: null, seq: 0, base: null };
}

export function nextState(state: StreamState, event: StateEvent): StreamState {
  switch (event.type) {
    case 'sync-started':
      return { ...state, seq: state.seq + 1, sync: event.sync };
    case 'batch-scheduled': {
      const sync = requireSync(state, event.type);
      const batches = sync.batches.filter((b) => b.ref !== event.batch.ref);
      return {
        ...state,
        seq: state.seq + 1,
        sync: { ...sync, next_chunk: Math.max(sync.next_chunk, event.batch.chunk + 1), batches: [...batches, event.batch] },
      };
    }
    case 'rows-settled': {
      const sync = requireSync(state, event.type);
      return {
        ...state,
        seq: state.seq + 1,
        sync: {
          ...sync,
          batches: sync.batches.map((b) => {
            // Merged as ranges: expanding a 10,000-row batch's `done` at every page was the cost.
            return b.ref === event.ref ? { ...b, done: addToRanges(b.done, event.rows) } : b;
          }),
          ...(event.failedAt !== undefined && event.failedAt.length > 0 ? { failed_at: withFailures(sync.failed_at, event.failedAt) } : {}),
        },
      };
    }
    case 'batch-updated': {
      const sync = requireSync(state, event.type);
      return { ...state, seq: state.seq + 1, sync: { ...sync, batches: sync.batches.map((b) => (b.ref === event.batch.ref ? event.batch : b)) } };
    }
    case 'batch-finished': {
      const sync = requireSync(state, event.type);
      const finished = sync.batches.find((b) => b.ref === event.ref);
      if (finished === undefined) return state;
      const batches = sync.batches.filter((b) => b.ref !== event.ref);
      if (event.next !== undefined) batches.push(event.next);
      const failedAt = withFailures(sync.failed_at, event.failedAt);
      const chunkOpen = batches.some((b) => b.chunk === finished.chunk);
      const doneChunks = chunkOpen ? sync.done_chunks : addToRanges(sync.done_chunks, [finished.chunk]);
      return { ...state, seq: state.seq + 1, sync: { ...sync, batches, failed_at: failedAt, done_chunks: doneChunks } };
    }
    case 'batch-dropped': {
      // The server no longer knows the batch: its chunk becomes an orphan and is scheduled again.
      const sync = requireSync(state, event.type);
      return { ...state, seq: state.seq + 1, sync: { ...sync, batches: sync.batches.filter((b) => b.ref !== event.ref) } };
    }
    case 'sync-completed': {
      const sync = requireSync(state, event.type);
      const { sync: _finished, ...rest } = state;
      // A stream that had read up to the sync's starting point (or a sync that re-read
      // everything) now reads up to the new base; a stream reset meanwhile keeps its own.
      const advances = sync.base_id === null || state.base?.id === sync.base_id;
      return { ...rest, seq: state.seq + 1, base: advances ? event.base : state.base };
    }
    case 'records-emitted':
      return state.cursor === null || Date.parse(event.cursor) > Date.parse(state.cursor) ? { ...state, cursor: event.cursor } : state;
  }
}

/**
 * Every selected stream applies the same event to the same `failed_at`: the merge is done
 * once and reused for the other streams (a one-entry memo on the inputs' identity).
 */
let lastMerge: { from: string; add: readonly number[]; to: string } | undefined;
function withFailures(from: string, add: readonly number[]): string {
  if (add.length === 0) return from;
  if (lastMerge !== undefined && lastMerge.from === from && lastMerge.add === add) return lastMerge.to;
  const to = addToRanges(from, add);
  lastMerge = { from, add, to };
  return to;
}

function requireSync(state: StreamState, event: string): SyncProgress {
  if (state.sync === undefined) throw new Error(`state event ${event} without a sync in progress`);
  return state.sync;
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

/**
 * Where a consent's data reaches according to a base: its exception if it has one, else
 * the sync-wide watermark; undefined when nothing was fetched (no base, or null exception).
 */
export function watermarkOf(base: Base | null, consentId: string): string | undefined {
  if (base === null) return undefined;
  if (Object.prototype.hasOwnProperty.call(base.exceptions, consentId)) return base.exceptions[consentId] ?? undefined;
  return base.watermark;
}

/**
 * The base after a sync finished: consents that got their data reach their planned range
 * end; consents that failed for good keep what they had; consents with nothing to fetch keep
 * their watermark. Only the ones that differ from the new sync-wide watermark are listed.
 */
export function baseAfterSync(args: {
  syncTime: string;
  defaultTo: string;
  covered: string;
  consents: readonly string[];
  plannedTo: ReadonlyMap<string, string>;
  failed: Readonly<Record<string, string>>;
  previous: Base | null;
  /** Consents the previous base did not cover: nothing is known of them unless this sync read them. */
  added?: ReadonlySet<string>;
}): Base {
  const exceptions: Record<string, string | null> = {};
  for (const consentId of args.consents) {
    let reaches: string | null;
    const planned = args.plannedTo.get(consentId);
    if (planned === undefined || Object.prototype.hasOwnProperty.call(args.failed, consentId)) {
      reaches = args.added?.has(consentId) === true ? null : (watermarkOf(args.previous, consentId) ?? null);
    } else {
      reaches = planned;
    }
    if (reaches !== args.defaultTo) exceptions[consentId] = reaches;
  }
  return { id: args.syncTime, watermark: args.defaultTo, exceptions, covered: args.covered, sketch: consentSketch(args.consents) };
}

/** An order-independent signature of a consent set (count and a sum of FNV-1a hashes). */
export function consentSetSignature(consents: readonly string[]): string {
  let sum = 0;
  for (const id of consents) sum = (sum + fnv1a(id)) >>> 0;
  return `${consents.length}:${sum.toString(16).padStart(8, '0')}`;
}

/** An order-sensitive hash of a consent list: the same set in another order plans other chunks. */
export function consentListHash(consents: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const id of consents) hash = Math.imul(hash ^ fnv1a(id), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The least-progress state among the selected streams: resuming from it loses nothing for any of them. */
export function leastProgress(states: readonly (StreamState | undefined)[]): StreamState | undefined {
  let least: StreamState | undefined;
  for (const state of states) {
    if (state === undefined) return undefined;
    if (least === undefined || state.seq < least.seq) least = state;
  }
  return least;
}
