import { consentSketch } from './consent-sketch.js';
import type { Base, StreamState, SyncProgress } from './stream-state.js';

/**
 * How one stream's own part of the state moves (its cursor, its base), as pure functions;
 * the sync in flight is shared by every stream and moves in sync-progress-transitions.ts.
 * Cursor arithmetic lives here too, so it is tested without a server.
 */
export function emptyState(): StreamState {
  return { v: 1, cursor: null, seq: 0, base: null };
}

/** The stream's cursor after emitting records up to `cursor` (it never moves back). */
export function withCursor(state: StreamState, cursor: string): StreamState {
  return state.cursor === null || Date.parse(cursor) > Date.parse(state.cursor) ? { ...state, cursor } : state;
}

/**
 * The stream's base once `sync` completed with `base`: a stream that had read up to the
 * sync's starting point (or a sync that re-read everything) now reads up to the new base; a
 * stream reset meanwhile keeps its own.
 */
export function baseAfterCompletion(state: StreamState, sync: SyncProgress, base: Base | null): Base | null {
  return sync.base_id === null || state.base?.id === sync.base_id ? base : state.base;
}

/**
 * The sync to resume among the incoming states: the least-advanced copy (lowest `seq`), so
 * resuming from it re-reads what any stream may have missed. Undefined when none holds one.
 */
export function syncToResume(states: readonly StreamState[]): SyncProgress | undefined {
  let least: StreamState | undefined;
  for (const state of states) if (state.sync !== undefined && (least === undefined || state.seq < least.seq)) least = state;
  return least?.sync;
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
