import PQueue from 'p-queue';
import { ConfigError } from '../errors/connector-errors.js';
import type { AirbyteMessage, AirbyteStateMessage, MessageOf } from '../protocol/airbyte-message.js';
import type { MessageSink } from '../protocol/message-emitter.js';
import { stateStreamName, type LoadDestination, type StreamMove } from './load-destination.js';
import type { LoadMode } from './load-sql.js';
import { rawRecordJson } from './jsonl-message-reader.js';
import { StagedKeys } from './staged-keys.js';
import { stagingCells } from './record-typer.js';
import type { TablePlan } from './table-mapping.js';

/**
 * The destination half of `sync` and `load`: a MessageSink that stages records and commits
 * them together with the STATE that covers them, as an Airbyte destination does: every few
 * seconds or rows (not at every STATE), at a barrier, and at the end. A stream's latest STATE
 * commits that stream's records emitted before it, in the same transaction as the state;
 * records after the last STATE are never committed (the next sync reads them again).
 * Overwrite streams are swapped in only when the stream COMPLETEs.
 */

/** Defaults of the commit policy (LoaderOptions): a few commits per minute of loading, each of up to this many rows. */
export const DEFAULT_COMMIT_INTERVAL_MS = 5_000;
export const DEFAULT_MAX_PENDING_ROWS = 250_000;

export interface LoadStream {
  plan: TablePlan;
  mode: LoadMode;
  generationId: number;
}

export interface LoaderOptions {
  /** `_airbyte_meta.sync_id` of every row. */
  syncId: number;
  /**
   * Checkpoints that arrive closer together than this are committed together, as an Airbyte
   * destination flushes by time or size rather than at every STATE: fewer transactions, same
   * guarantees (a state is saved only with every record before it). Each commit of a
   * de-duplicated stream joins its rows against the whole final table, so committing at each
   * of the ~240 STATEs of a 400k-record read kept the producer waiting on DuckDB ~46% of the
   * time. A kill loses at most this much uncommitted work, which the next sync reads again.
   */
  minCommitIntervalMs?: number;
  /** Commit pending checkpoints anyway once this many rows wait behind them. */
  maxPendingRows?: number;
  /** Where the source's LOG and TRACE ERROR messages go (stderr in the CLI). */
  onLog?: (level: string, message: string) => void;
  now?: () => number;
}

interface StreamProgress {
  readonly stream: LoadStream;
  /** Highest staging sequence number of this stream's rows. */
  lastSeq: number;
  /** Rows staged and not yet committed. */
  stagedRows: number;
  /** Rows covered by `pendingState`. */
  sealedRows: number;
  sealedSeq: number;
  pendingState: AirbyteStateMessage | undefined;
  status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE' | undefined;
  recordsReceived: number;
  recordsCommitted: number;
  swapped: boolean;
  /** Primary keys of rows staged as cells: whether a commit's rows repeat a key (StreamMove.repeatsKey). */
  keys: StagedKeys;
  /** Rows staged as the source's unparsed text since the last full commit (StreamMove.rawLines). */
  rawLines: boolean;
}

export interface LoaderStats {
  streams: { stream: string; table: string; mode: LoadMode; received: number; committed: number }[];
  commits: number;
  statesCommitted: number;
  sourceErrors: string[];
}

export class AirbyteLoader implements MessageSink {
  private readonly streams = new Map<string, StreamProgress>();
  private seq = 0;
  /** Messages whose handling waits for an earlier one's promise (a commit or bulk write), in order. */
  private readonly queue = new PQueue({ concurrency: 1 });
  /** Commits run in the background, one at a time, in checkpoint order. */
  private readonly commitQueue = new PQueue({ concurrency: 1 });
  /** The commit queued last: the next one's producer waits for it (backpressure). */
  private lastCommit: Promise<void> | undefined;
  private commitFailure: { error: unknown } | undefined;
  private lastCommitAt: number;
  private commits = 0;
  private statesCommitted = 0;
  private readonly sourceErrors: string[] = [];
  private readonly now: () => number;

  constructor(
    private readonly destination: LoadDestination,
    streams: readonly LoadStream[],
    private readonly options: LoaderOptions,
  ) {
    for (const stream of streams) {
      this.streams.set(stream.plan.stream, {
        stream,
        lastSeq: 0,
        stagedRows: 0,
        sealedRows: 0,
        sealedSeq: 0,
        pendingState: undefined,
        status: undefined,
        recordsReceived: 0,
        recordsCommitted: 0,
        swapped: false,
        // Rows staged as JSON are never keyed in JS (onRecord): the database checks them.
        keys: StagedKeys.of(stream.plan, stream.mode !== 'append' && destination.staging.format !== 'json'),
        rawLines: false,
      });
    }
    this.now = options.now ?? Date.now;
    this.lastCommitAt = this.now();
  }

  /**
   * Messages are handled one at a time; while a commit or bulk write runs, the producer waits on
   * the promise. Nothing goes through the queue while it is idle and a message is handled at
   * once (nearly every record): no promise per record.
   */
  emit(message: AirbyteMessage): Promise<void> | undefined {
    if (this.queue.size > 0 || this.queue.pending > 0) return this.queue.add(async () => this.handle(message));
    const result = this.handle(message);
    return result === undefined ? undefined : this.queue.add(() => result);
  }

  private handle(message: AirbyteMessage): Promise<void> | undefined {
    switch (message.type) {
      case 'RECORD':
        return this.onRecord(message);
      case 'STATE':
        this.onState(message.state);
        return undefined;
      case 'TRACE':
        return this.onTrace(message);
      case 'LOG':
        this.options.onLog?.(message.log.level, message.log.message);
        return undefined;
      case 'SPEC':
      case 'CONNECTION_STATUS':
      case 'CATALOG':
        return undefined;
    }
  }

  private progressOf(stream: string): StreamProgress {
    const progress = this.streams.get(stream);
    if (progress === undefined) {
      throw new ConfigError(`Received a message for stream "${stream}", which the catalog does not configure (configured: ${[...this.streams.keys()].join(', ')}).`);
    }
    return progress;
  }

  private onRecord(message: MessageOf<'RECORD'>): Promise<void> | undefined {
    this.throwIfCommitFailed();
    const progress = this.progressOf(message.record.stream);
    const { plan, generationId } = progress.stream;
    const context = { emittedAt: message.record.emitted_at, syncId: this.options.syncId, generationId };
    // `load` may hand a record over as its JSON text (rawRecordJson): a json-format destination
    // takes it as is; a cells one parses it here.
    const raw = rawRecordJson(message.record.data);
    progress.lastSeq = ++this.seq;
    progress.stagedRows += 1;
    progress.recordsReceived += 1;
    const seq = progress.lastSeq;
    const staging = this.destination.staging;
    let stage: () => Promise<void> | undefined;
    if (staging.format === 'json') {
      // No key is tracked: the database checks a commit's rows for repeats as it writes them
      // (duckdb-direct-sql.ts); building and keeping each row's key cost ~1 s of the JS thread
      // and a map of every uncommitted row's key on a 20,000-consent sync.
      if (raw !== undefined) progress.rawLines = true;
      const json = raw ?? JSON.stringify(message.record.data);
      stage = () => staging.stage(plan, seq, json, context);
    } else {
      const data = raw === undefined ? message.record.data : (JSON.parse(raw) as Record<string, unknown>);
      const cells = stagingCells(plan, data, context, this.destination.dialect.decimalLimits);
      progress.keys.add(seq, cells);
      stage = () => staging.stage(plan, seq, cells);
    }
    // Pending checkpoints are committed when the next record shows the burst of STATEs is over;
    // the record is staged after the commit, never while its transaction runs.
    const previousCommit = this.shouldCommitPending() ? this.commitPending() : undefined;
    const staged = stage();
    if (previousCommit === undefined) return staged;
    return staged === undefined ? previousCommit : Promise.all([previousCommit, staged]).then(() => this.throwIfCommitFailed());
  }

  private onState(state: AirbyteStateMessage): void {
    if (state.type !== 'STREAM' || state.stream === undefined) {
      throw new ConfigError(`Received a ${state.type ?? 'LEGACY'} state; the loader stores per-stream (STREAM) state only.`);
    }
    const progress = this.progressOf(stateStreamName(state));
    progress.pendingState = state;
    progress.sealedSeq = progress.lastSeq;
    progress.sealedRows = progress.stagedRows;
    if (this.destination.staging.format === 'json') this.destination.staging.seal(progress.stream.plan);
  }

  private onTrace(message: MessageOf<'TRACE'>): Promise<void> | undefined {
    const { trace } = message;
    if (trace.type === 'ERROR' && trace.error !== undefined) {
      this.sourceErrors.push(trace.error.message);
      this.options.onLog?.('ERROR', `${trace.error.failure_type ?? 'error'}: ${trace.error.message}`);
      return undefined;
    }
    if (trace.type !== 'STREAM_STATUS' || trace.stream_status === undefined) return undefined;
    const progress = this.streams.get(trace.stream_status.stream_descriptor.name);
    if (progress === undefined) return undefined;
    progress.status = trace.stream_status.status;
    // An overwrite becomes visible only when its stream completed; everything pending goes with it.
    if (progress.status === 'COMPLETE' && progress.stream.mode === 'overwrite') return this.commitPending([progress])?.then(() => this.throwIfCommitFailed());
    return undefined;
  }

  private shouldCommitPending(): boolean {
    let pendingRows = 0;
    let anyPending = false;
    for (const progress of this.streams.values()) {
      if (progress.pendingState !== undefined && progress.stream.mode !== 'overwrite') {
        anyPending = true;
        pendingRows += progress.sealedRows;
      }
    }
    if (!anyPending) return false;
    if (pendingRows >= (this.options.maxPendingRows ?? DEFAULT_MAX_PENDING_ROWS)) return true;
    // A commit due by time waits for the one still running instead of the read waiting for it:
    // it goes with the first record after that one ends. Only the row bound (the memory budget) makes the read wait.
    if (this.commitQueue.pending > 0) return false;
    return this.now() - this.lastCommitAt >= (this.options.minCommitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS);
  }

  /**
   * One transaction: every sealed checkpoint of append streams, plus the given overwrite streams
   * swapped in. It runs in the background: the producer goes on parsing and staging the next
   * records (staged rows carry higher sequence numbers, which this merge leaves alone) while the
   * database commits. At most one commit runs; asking for another waits for it (backpressure),
   * and transactions stay in checkpoint order. A failed commit fails the next emit or finish.
   */
  private commitPending(swaps: StreamProgress[] = []): Promise<void> | undefined {
    const moves: StreamMove[] = [];
    const states: AirbyteStateMessage[] = [];
    const committed: [StreamProgress, number][] = [];
    for (const progress of this.streams.values()) {
      const { plan, mode } = progress.stream;
      if (mode === 'overwrite') {
        if (!swaps.includes(progress)) continue;
        moves.push(this.move(progress, 'overwrite', progress.lastSeq));
        if (progress.pendingState !== undefined) states.push(progress.pendingState);
        committed.push([progress, progress.stagedRows]);
        progress.stagedRows = 0;
        progress.sealedRows = 0;
        progress.pendingState = undefined;
        progress.swapped = true;
        continue;
      }
      if (progress.pendingState === undefined) continue;
      if (progress.sealedRows > 0) moves.push(this.move(progress, mode, progress.sealedSeq));
      states.push(progress.pendingState);
      committed.push([progress, progress.sealedRows]);
      progress.stagedRows -= progress.sealedRows;
      progress.sealedRows = 0;
      progress.pendingState = undefined;
    }
    if (moves.length === 0 && states.length === 0) return undefined;
    this.lastCommitAt = this.now();
    const previous = this.commitQueue.pending > 0 ? this.lastCommit : undefined;
    const run = this.commitQueue.add(async () => {
      if (this.commitFailure !== undefined) return;
      await this.destination.commit(moves, states);
      for (const [progress, rows] of committed) progress.recordsCommitted += rows;
      this.commits += 1;
      this.statesCommitted += states.length;
    });
    this.lastCommit = run.catch((error: unknown) => {
      this.commitFailure ??= { error };
    });
    return previous;
  }

  /**
   * The move of a stream's rows up to `upToSeq`, which are committed with it; the destination
   * turns it into SQL. Whether they repeat a key is left to the database (undefined) for rows staged as JSON.
   */
  private move(progress: StreamProgress, mode: LoadMode, upToSeq: number): StreamMove {
    const { plan } = progress.stream;
    const rawLines = progress.rawLines;
    if (progress.stagedRows === 0 || upToSeq >= progress.lastSeq) progress.rawLines = false;
    const json = this.destination.staging.format === 'json';
    // An overwrite swapped in takes every row staged: the next one starts a new staging file (onState seals the others).
    if (upToSeq >= progress.lastSeq && json) this.destination.staging.seal(plan);
    const keys = progress.keys.commit(upToSeq);
    return { plan, mode, upToSeq, repeatsKey: json ? undefined : keys.repeatsKey, rawLines };
  }

  private throwIfCommitFailed(): void {
    if (this.commitFailure !== undefined) throw this.commitFailure.error;
  }

  /** Waits for the commit under way, if any (a kill after it, or a test's look at the tables). */
  async settled(): Promise<void> {
    await this.queue.onIdle();
    await this.commitQueue.onIdle();
    // A commit's failure is recorded by the catch above, a microtask after the queue's own settling.
    await this.lastCommit;
    this.throwIfCommitFailed();
  }

  /**
   * The durability barrier of MessageSink: commits every checkpoint received so far (not only
   * when the next record arrives, as the background commits do) and waits for it, so the state
   * the source is about to act on survives a kill.
   */
  async barrier(): Promise<void> {
    await this.queue.onIdle();
    this.throwIfCommitFailed();
    this.commitPending();
    await this.settled();
  }

  /**
   * Ends the load. Pending checkpoints are committed either way (each covers only records
   * before it). `sourceSucceeded` decides overwrite streams that never reported a status:
   * a source that ended cleanly finished them; one that failed did not, and the old table stays.
   */
  async finish(sourceSucceeded: boolean): Promise<void> {
    await this.queue.onIdle();
    this.throwIfCommitFailed();
    const swaps = [...this.streams.values()].filter(
      (progress) => progress.stream.mode === 'overwrite' && !progress.swapped && progress.status === undefined && sourceSucceeded && (progress.stagedRows > 0 || progress.pendingState !== undefined),
    );
    this.commitPending(swaps);
    await this.settled();
  }

  stats(): LoaderStats {
    return {
      streams: [...this.streams.values()].map((progress) => ({
        stream: progress.stream.plan.stream,
        table: progress.stream.plan.table,
        mode: progress.stream.mode,
        received: progress.recordsReceived,
        committed: progress.recordsCommitted,
      })),
      commits: this.commits,
      statesCommitted: this.statesCommitted,
      sourceErrors: [...this.sourceErrors],
    };
  }
}
