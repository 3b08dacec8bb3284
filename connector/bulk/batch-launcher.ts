import type { InFlightBatch } from '../state/stream-state.js';
import { BatchWatch, type WatchDeps } from './batch-watch.js';
import { BULK_MIN_CONSENTS, type PlannedConsent } from './batch-planner.js';
import { scheduleBatch } from './batch-scheduler.js';
import { BulkBackend } from './bulk-backend.js';
import type { EngineContext } from './engine-context.js';
import { plannedSingleBatch, SingleBackend } from './single-backend.js';

/**
 * Starts the batches of a sync and builds their watches: a chunk of fewer than
 * BULK_MIN_CONSENTS consents goes through single FI requests, a larger one is scheduled as a
 * bulk batch; either way the batch's watch gets the backend of its mode.
 */
export class BatchLauncher {
  constructor(
    private readonly ctx: EngineContext,
    private readonly watchDeps: WatchDeps,
  ) {}

  /** Schedules (or adopts) one batch, records it in state, checkpoints, and returns its watch. */
  async schedule(
    chunk: number,
    referenceId: string,
    attempt: number,
    consents: readonly PlannedConsent[],
    parent: string | null,
    record = true,
  ): Promise<BatchWatch> {
    const { ctx } = this;
    let entry: InFlightBatch;
    if (consents.length < BULK_MIN_CONSENTS) {
      // Recorded before any request; the watch sends them and checkpoints each session.
      entry = plannedSingleBatch({ referenceId, chunk, attempt, consents });
    } else {
      const submission = ctx.config.submission_mode;
      const scheduled = await scheduleBatch(ctx.client, { referenceId, consents, submission, pageSize: ctx.config.page_size }, ctx.sleep);
      if (scheduled.adopted) ctx.log('INFO', `Batch ${referenceId} already existed at FinPro (${scheduled.batchId}): adopted, not scheduled again.`);
      entry = { ref: referenceId, batch_id: scheduled.batchId, chunk, attempt, mode: 'bulk', submission, done: '' };
    }
    ctx.progress.update({ batchesScheduled: 1 });
    if (record) {
      ctx.sync.apply({ type: 'batch-scheduled', batch: entry });
      await ctx.state.checkpoint();
    }
    return this.watchFor(entry, parent);
  }

  watchFor(entry: InFlightBatch, parent: string | null = null): BatchWatch {
    const { ctx } = this;
    const c = ctx.config;
    const backend =
      entry.mode === 'single'
        ? new SingleBackend({
            client: ctx.client,
            maxConcurrency: c.max_concurrency,
            maxRetries: c.max_retries,
            sleep: ctx.sleep,
            log: ctx.log,
            warnOnce: ctx.warnOnce,
            noteSessionExpiry: (sessionId, dataExpiry) => ctx.fiRecords.noteSessionExpiry(sessionId, dataExpiry),
          })
        : new BulkBackend({
            client: ctx.client,
            pageSize: c.page_size,
            maxRetries: c.max_retries,
            maxIntervalMs: c.polling.max_interval_seconds * 1000,
            now: ctx.now,
            warnOnce: ctx.warnOnce,
          });
    return new BatchWatch(this.watchDeps, backend, entry, parent);
  }
}
