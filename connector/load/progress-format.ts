/**
 * The progress line of `sync`/`load`, as a pure function of counters, so its wording and
 * ETA are tested without a terminal. Counters come from the read engine's `onProgress` when
 * it runs in-process, and otherwise from what the messages themselves say.
 */

/** What the read engine reports (deps.onProgress). Every field optional: a source may know only some. */
export interface ReadCounters {
  batchesScheduled?: number;
  batchesDone?: number;
  consentsOk?: number;
  consentsFailed?: number;
  consentsPlanned?: number;
  records?: number;
  requests?: number;
  rateLimited?: number;
}

export interface ProgressSnapshot {
  elapsedMs: number;
  read: ReadCounters;
  /** Records seen on the message stream, per stream. */
  recordsByStream: ReadonlyMap<string, number>;
  /** Sum of the source's ESTIMATE row counts, when it sent any. */
  estimatedRecords: number | undefined;
  /** Records committed to the destination. */
  loaded: number;
}

const n = (value: number) => value.toLocaleString('en-US');

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}:${String(seconds).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/**
 * Remaining time at the rate so far: consents settled when the engine reports a total (the
 * real unit of work), else records against the source's estimate. Undefined until there is a rate.
 */
export function estimateRemainingMs(snapshot: ProgressSnapshot): number | undefined {
  const { read, elapsedMs } = snapshot;
  let done: number;
  let total: number | undefined;
  if (read.consentsPlanned !== undefined && read.consentsPlanned > 0) {
    done = (read.consentsOk ?? 0) + (read.consentsFailed ?? 0);
    total = read.consentsPlanned;
  } else {
    done = recordsSeen(snapshot);
    total = snapshot.estimatedRecords;
  }
  if (total === undefined || done <= 0 || elapsedMs <= 0) return undefined;
  if (done >= total) return 0;
  return ((total - done) * elapsedMs) / done;
}

function recordsSeen(snapshot: ProgressSnapshot): number {
  let sum = 0;
  for (const count of snapshot.recordsByStream.values()) sum += count;
  return Math.max(sum, snapshot.read.records ?? 0);
}

export function formatProgressLine(snapshot: ProgressSnapshot): string {
  const { read } = snapshot;
  const parts: string[] = [];
  if (read.batchesScheduled !== undefined) parts.push(`batches ${n(read.batchesDone ?? 0)}/${n(read.batchesScheduled)}`);
  if (read.consentsOk !== undefined || read.consentsFailed !== undefined) {
    // Consents settled against consents planned (a retried consent counts once, when it settles).
    const total = read.consentsPlanned !== undefined && read.consentsPlanned > 0 ? ` of ${n(read.consentsPlanned)}` : '';
    parts.push(`consents ${n(read.consentsOk ?? 0)} ok ${n(read.consentsFailed ?? 0)} failed${total}`);
  }
  const records = recordsSeen(snapshot);
  const seconds = snapshot.elapsedMs / 1000;
  parts.push(`records ${n(records)}${seconds >= 1 ? ` (${n(Math.round(records / seconds))}/s)` : ''}`);
  parts.push(`loaded ${n(snapshot.loaded)}`);
  if (read.requests !== undefined) parts.push(`requests ${n(read.requests)}${read.rateLimited ? ` (429: ${n(read.rateLimited)})` : ''}`);
  const remaining = estimateRemainingMs(snapshot);
  parts.push(`${formatDuration(snapshot.elapsedMs)} elapsed${remaining !== undefined ? `, ETA ${formatDuration(remaining)}` : ''}`);
  return parts.join(' | ');
}
