import PQueue from 'p-queue';
import { TransientError } from '../errors/connector-errors.js';
import type { FiDataHarvester } from '../fetch/fi-data-harvester.js';
import { runPool } from '../fetch/worker-pool.js';
import type { InFlightBatch, SingleSession } from '../state/stream-state.js';
import { decodeRanges, encodeRanges } from '../state/range-set.js';
import type { SyncProgressKeeper } from '../state/sync-progress-keeper.js';
import type { StateManager } from '../state/state-manager.js';
import type { StreamName } from '../streams/stream-registry.js';
import type { BatchBackend, BatchSnapshot, BatchView, LookEnd, RowOutcome } from './batch-backend.js';
import type { PlannedConsent } from './batch-planner.js';
import { batchRecord, rowRecord, snapshotSignature } from './batch-records.js';
import { nextPollIntervalMs } from './poll-backoff.js';
import type { ProgressReporter } from './progress-reporter.js';

/** What became of a batch at a poll. */
export type WatchOutcome =
  | { kind: 'running' }
  | { kind: 'finished'; retry: PlannedConsent[]; finalFailures: Record<string, string> }
  | { kind: 'dropped' };

/** The polling settings a watch follows (the config's `polling` block). */
export interface PollingSettings {
  initial_interval_seconds: number;
  max_interval_seconds: number;
  max_wait_minutes: number;
}

/** What every watch of a read shares; the engine builds it once. */
export interface WatchDeps {
  polling: PollingSettings;
  /** FI data fetches at once. */
  maxConcurrency: number;
  /** Records and checkpoints (per stream). */
  state: StateManager;
  /** The sync's one progress: batch and row events go here. */
  sync: SyncProgressKeeper;
  harvester: Pick<FiDataHarvester, 'wanted' | 'harvest'>;
  progress: Pick<ProgressReporter, 'update'>;
  now: () => number;
  /**
   * Where consents of a chunk sit in the sync's plan (SyncProgress.failed_at), for recording
   * final failures; empty when the sync runs without its plan or the plan does not hold them.
   */
  planPositions: (chunk: number, consentIds: Iterable<string>) => number[];
  /** After each settled page of rows (the engine's fi_* ESTIMATE). */
  afterRowsSettled: () => Promise<void>;
}

/**
 * Watches one batch through its backend: looks at it when due (adaptive backoff, back to the
 * initial interval when rows moved), settles the rows the backend reports ended (FI data
 * fetched for COMPLETED ones, a bulk_batch_rows record each, their ids into state, then a
 * checkpoint), emits the bulk_batches record when the batch changed, and gives up after
 * `max_wait_minutes` (the next sync resumes the batch from state).
 */
export class BatchWatch {
  nextPollAt = 0;
  private intervalMs: number;
  private readonly done: Set<number>;
  private readonly startedMs: number;
  private lastSignature = '';
  /**
   * Checkpoints come from settled pages and from the single backend's saves, possibly side by
   * side; they run one after another (a STATE's record count belongs to the records before it).
   */
  private readonly saves = new PQueue({ concurrency: 1 });

  constructor(
    private readonly deps: WatchDeps,
    private readonly backend: BatchBackend,
    private entry_: InFlightBatch,
    private readonly parentReferenceId: string | null,
  ) {
    this.done = decodeRanges(entry_.done);
    this.intervalMs = deps.polling.initial_interval_seconds * 1000;
    this.startedMs = deps.now();
  }

  /** The batch's state entry: ids and sessions as last saved here (a bulk batch's `done` lives in state only). */
  get entry(): InFlightBatch {
    return this.entry_;
  }

  async poll(): Promise<WatchOutcome> {
    const look = this.backend.look(this.view());
    let end: LookEnd;
    for (;;) {
      const step = await look.next();
      if (step.done === true) {
        end = step.value;
        break;
      }
      const event = step.value;
      if (event.kind === 'batch') await this.emitBatch(event.snapshot);
      else await this.settle(event.rows, event.sessions);
    }
    if (end.kind === 'dropped') return { kind: 'dropped' };
    if (end.kind === 'ended') return { kind: 'finished', retry: end.retry, finalFailures: end.finalFailures };

    const { polling } = this.deps;
    if (this.deps.now() - this.startedMs > polling.max_wait_minutes * 60_000) {
      throw new TransientError(
        `Batch ${this.entry_.ref} is still ${end.status} after ${polling.max_wait_minutes} minutes (max_wait_minutes); the next sync resumes it.`,
      );
    }
    this.intervalMs = nextPollIntervalMs(this.intervalMs, end.progressed, polling.initial_interval_seconds * 1000, polling.max_interval_seconds * 1000);
    this.nextPollAt = this.deps.now() + this.intervalMs;
    return { kind: 'running' };
  }

  private view(): BatchView {
    return {
      entry: this.entry_,
      done: this.done,
      saveSessions: (sessions) =>
        this.saves.add(async () => {
          this.keepSessions(sessions);
          // Durable: the next step may be a /fi/request, which spends quota if repeated.
          await this.deps.state.checkpoint({ durable: true });
        }),
    };
  }

  /** Settles rows not done yet: FI data, records, state, one checkpoint for the page. */
  private async settle(rows: readonly RowOutcome[], sessions: readonly SingleSession[] | undefined): Promise<void> {
    const { deps } = this;
    const fresh = new Map<number, RowOutcome>();
    // De-duplicated within the page too: the same row twice must not be fetched twice.
    for (const row of rows) if (!this.done.has(row.id)) fresh.set(row.id, row);
    if (fresh.size === 0) return;
    const settled: number[] = [];
    const failedConsents = new Set<string>();
    let completed = 0;
    let failed = 0;
    await runPool(fresh.values(), deps.maxConcurrency, async (row) => {
      let harvestError: { code: string; message: string } | null = null;
      if (row.harvest !== undefined && deps.harvester.wanted) {
        const result = await deps.harvester.harvest({ consentId: row.consentId, ...row.harvest });
        if (!result.ok) harvestError = { code: result.code, message: result.message };
      }
      const ok = row.status === 'COMPLETED' && row.errorCode === null && harvestError === null;
      // A failure that a retry batch takes up again is counted when the retry settles: the progress counts consents, not rows.
      if (ok) completed++;
      else if (row.isFinal || harvestError !== null) failed++;
      if (harvestError !== null || row.failedNow) failedConsents.add(row.consentId);
      await this.emit('bulk_batch_rows', rowRecord(this.entry_, row, harvestError, this.nowIso()));
      settled.push(row.id);
      this.done.add(row.id);
    });
    await this.saves.add(async () => {
      // Bulk rows reach state as ids merged into its ranges, so a 10,000-row batch's `done` is not re-encoded at every page; sessions travel whole.
      if (sessions !== undefined) this.keepSessions(sessions);
      const failedAt = failedConsents.size > 0 ? deps.planPositions(this.entry_.chunk, failedConsents) : [];
      deps.sync.apply({ type: 'rows-settled', ref: this.entry_.ref, rows: settled, failedAt });
      await deps.state.checkpoint();
    });
    deps.progress.update({ consentsOk: completed, consentsFailed: failed });
    await deps.afterRowsSettled();
  }

  /** A single batch's sessions into its state entry (copied: the backend goes on changing its own). */
  private keepSessions(sessions: readonly SingleSession[]): void {
    this.entry_ = { ...this.entry_, sessions: sessions.map((s) => ({ ...s })), done: encodeRanges(this.done) };
    this.deps.sync.apply({ type: 'batch-updated', batch: this.entry_ });
  }

  private async emitBatch(snapshot: BatchSnapshot): Promise<void> {
    const signature = snapshotSignature(snapshot);
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    await this.emit('bulk_batches', batchRecord(this.entry_, this.parentReferenceId, snapshot, this.nowIso()));
  }

  /**
   * Emits a record if its stream is selected. Every record a watch emits belongs to a batch of
   * the sync in state that state has not covered yet, so none is held back for being older
   * than the stream's cursor: its cursor comes from a clock (FinPro's `updated_at`, our fetch
   * time) that may have run ahead in an earlier sync, and a record dropped for it would be lost.
   */
  private async emit(stream: StreamName, record: { data: Record<string, unknown>; cursor: string }): Promise<void> {
    const { state } = this.deps;
    if (!state.isSelected(stream)) return;
    const cursorMs = Date.parse(record.cursor);
    const p = state.emit(stream, record.data, Number.isNaN(cursorMs) ? this.deps.now() : cursorMs);
    if (p) await p;
  }

  private nowIso(): string {
    return new Date(this.deps.now()).toISOString();
  }
}
