import { SystemError, TransientError } from '../errors/connector-errors.js';
import { runPool } from '../fetch/worker-pool.js';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import { bulkStatus } from '../finpro/finpro-endpoints.js';
import type { BulkStatusData, BulkStatusRow } from '../finpro/finpro-responses.js';
import type { InFlightBatch } from '../state/read-state.js';
import { decodeRanges } from '../state/range-set.js';
import { fnv1a } from '../state/state-transitions.js';
import { bulkBatchRecord } from '../streams/bulk-batches-stream.js';
import { bulkBatchRowRecord } from '../streams/bulk-batch-rows-stream.js';
import type { PlannedConsent } from './batch-planner.js';
import { emitIfWanted, KNOWN_BATCH_STATUSES, KNOWN_ROW_STATUSES, type BatchWatch, type EngineContext, type WatchOutcome } from './engine-context.js';
import { nextPollIntervalMs } from './poll-backoff.js';
import { decideFailedRow, KNOWN_ELIGIBILITIES } from './retry-policy.js';

/**
 * Watches one bulk batch: polls `/bulk/status` with adaptive backoff, pages through the
 * COMPLETED rows as soon as there are new ones (so FI data is read while the rest of the
 * batch still runs), settles FAILED rows, and reports the batch finished once every row has
 * ended. Pages and rows are taken in any order and a row may show up twice: a set of settled
 * row ids (also in state) decides what is new. Each page of rows ends in a checkpoint.
 */
export class BulkBatchWatch implements BatchWatch {
  nextPollAt = 0;
  private readonly done: Set<number>;
  private intervalMs: number;
  private settledSeen = -1;
  private completedSeen = -1;
  private failedSeen = -1;
  private lastBatchSignature = '';
  private readonly watchStartedMs: number;

  constructor(
    private readonly ctx: EngineContext,
    public entry: InFlightBatch,
    /** Resumed from incoming state: its records are emitted even if older than the cursor. */
    private readonly resumed: boolean,
    private readonly parentReferenceId: string | null,
  ) {
    this.done = decodeRanges(entry.done);
    this.intervalMs = ctx.config.polling.initial_interval_seconds * 1000;
    this.watchStartedMs = ctx.now();
  }

  async poll(): Promise<WatchOutcome> {
    const { ctx, entry } = this;
    let first: BulkStatusData;
    try {
      first = await this.page('COMPLETED', 1);
    } catch (error) {
      if (error instanceof FinproApiError && error.status === 404) return { kind: 'dropped' };
      throw error;
    }
    await this.emitBatch(first);
    const summary = first.summary ?? {};
    const completed = summary.completed ?? 0;
    const failed = summary.failed ?? 0;
    const settled = completed + failed;
    const progressed = settled !== this.settledSeen;
    if (completed !== this.completedSeen || settled > this.done.size) await this.harvestPages(first);
    if (failed !== this.failedSeen) await this.settleFailedPages(false);
    this.settledSeen = settled;
    this.completedSeen = completed;
    this.failedSeen = failed;

    const status = first.batch_status;
    if (!KNOWN_BATCH_STATUSES.includes(status)) ctx.warnOnce(`batch_status:${status}`, `Unknown batch_status "${status}" from FinPro (kept as sent).`);
    if (status === 'FAILED') {
      throw new SystemError(`FinPro failed batch ${entry.ref} as a whole (batch_status FAILED): its file or request was rejected.`);
    }
    const total = summary.total ?? first.pagination?.total ?? 0;
    if (status === 'COMPLETED' && this.done.size >= Math.min(total, settled)) {
      if (this.done.size < total) {
        // A COMPLETED batch with rows we never saw: read everything once more before giving up on them.
        await this.harvestPages(await this.page('COMPLETED', 1));
      }
      const { retry, finalFailures } = await this.settleFailedPages(true);
      return { kind: 'finished', retry, finalFailures };
    }

    const waitedMs = ctx.now() - this.watchStartedMs;
    if (waitedMs > ctx.config.polling.max_wait_minutes * 60_000) {
      throw new TransientError(
        `Batch ${entry.ref} is still ${status} after ${ctx.config.polling.max_wait_minutes} minutes (max_wait_minutes); the next sync resumes it.`,
      );
    }
    this.intervalMs = nextPollIntervalMs(
      this.intervalMs,
      progressed,
      ctx.config.polling.initial_interval_seconds * 1000,
      ctx.config.polling.max_interval_seconds * 1000,
    );
    this.nextPollAt = ctx.now() + this.intervalMs;
    return { kind: 'running' };
  }

  private page(status: 'COMPLETED' | 'FAILED', page: number): Promise<BulkStatusData> {
    return bulkStatus(this.ctx.client, {
      reference_id: this.entry.ref,
      page,
      limit: this.ctx.config.page_size,
      filters: { status: [status] },
    });
  }

  /** Reads every page of COMPLETED rows, starting from `first`; harvests the new ones page by page. */
  private async harvestPages(first: BulkStatusData): Promise<void> {
    await this.forEachPage('COMPLETED', first, async (rows) => {
      const fresh = rows.filter((row) => row.status === 'COMPLETED' && !this.done.has(rowIdOf(row)));
      if (fresh.length === 0) return;
      const settledIds: number[] = [];
      const failedNow: Record<string, string> = {};
      let completedNow = 0;
      let failedCount = 0;
      // De-duplicate within the page too: the same row twice must not be fetched twice.
      const unique = new Map<number, BulkStatusRow>();
      for (const row of fresh) unique.set(rowIdOf(row), row);
      await runPool(unique.entries(), this.ctx.config.max_concurrency, async ([id, row]) => {
        const sessionId = row.session_id ?? null;
        let errorCode: string | null = null;
        let errorMessage: string | null = null;
        if (sessionId === null) {
          errorCode = 'NoSession';
          errorMessage = 'FinPro reported the row COMPLETED without a session_id.';
        } else if (this.ctx.harvester.wanted) {
          const result = await this.ctx.harvester.harvest({
            consentId: row.consent_id,
            sessionId,
            from: row.fiDataRangeFrom ?? undefined,
            to: row.fiDataRangeTo ?? undefined,
          });
          if (!result.ok) {
            errorCode = result.code;
            errorMessage = result.message;
          }
        }
        if (errorCode !== null) {
          failedNow[row.consent_id] = errorCode;
          failedCount++;
        } else completedNow++;
        await this.emitRow(row, { errorCode, errorMessage, isFinal: true });
        settledIds.push(id);
        this.done.add(id);
      });
      this.ctx.state.apply({ type: 'rows-settled', ref: this.entry.ref, rows: settledIds, failed: failedNow });
      await this.ctx.state.checkpoint();
      this.ctx.progress.update({ rowsCompleted: completedNow, rowsFailed: failedCount });
    });
  }

  /**
   * Pages through FAILED rows: emits the ones not seen yet (with whether they are final) and,
   * when `collect` is set (the batch has ended), returns what to retry and what failed for good.
   */
  private async settleFailedPages(collect: boolean): Promise<{ retry: PlannedConsent[]; finalFailures: Record<string, string> }> {
    const retry = new Map<string, PlannedConsent>();
    const finalFailures: Record<string, string> = {};
    const nowIso = new Date(this.ctx.now()).toISOString();
    await this.forEachPage('FAILED', await this.page('FAILED', 1), async (rows) => {
      const settledIds: number[] = [];
      for (const row of rows) {
        if (row.status !== 'FAILED') continue;
        const id = rowIdOf(row);
        const error = typeof row.error === 'object' && row.error !== null ? row.error : null;
        const code = error?.code ?? (typeof row.error === 'string' ? row.error : null) ?? 'Unknown';
        const message = error?.message ?? (typeof row.error === 'string' ? row.error : null);
        const eligibility = row.retry_eligible ?? null;
        if (eligibility !== null && !KNOWN_ELIGIBILITIES.includes(eligibility)) {
          this.ctx.warnOnce(`retry_eligible:${eligibility}`, `Unknown retry_eligible "${eligibility}" from FinPro (kept as sent, treated as final).`);
        }
        const from = row.fiDataRangeFrom ?? stringOf(this.globalConfig?.['fiDataRangeFrom']);
        const to = row.fiDataRangeTo ?? stringOf(this.globalConfig?.['fiDataRangeTo']);
        const decision =
          from !== undefined && to !== undefined
            ? decideFailedRow({ eligibility, code, message, details: error?.details ?? null, from, to, attempt: this.entry.attempt }, this.ctx.config.max_retries, nowIso)
            : ({ kind: 'final' } as const);
        if (collect) {
          if (decision.kind === 'retry') {
            retry.set(row.consent_id, { consentId: row.consent_id, from: decision.from, to: decision.to, ...(row.configId ? { configId: row.configId } : {}) });
          } else finalFailures[row.consent_id] = code;
        }
        if (!this.done.has(id)) {
          await this.emitRow(row, { errorCode: code, errorMessage: message ?? null, isFinal: decision.kind === 'final' });
          this.done.add(id);
          settledIds.push(id);
        }
      }
      if (settledIds.length > 0) {
        this.ctx.state.apply({ type: 'rows-settled', ref: this.entry.ref, rows: settledIds });
        await this.ctx.state.checkpoint();
        this.ctx.progress.update({ rowsFailed: settledIds.length });
      }
    });
    // A consent retried in one row and failed for good in another (duplicates) is retried.
    for (const consentId of retry.keys()) delete finalFailures[consentId];
    return { retry: [...retry.values()], finalFailures };
  }

  private globalConfig: Record<string, unknown> | null = null;

  /** Walks pages 1..n with a loop guard: a page that repeats the previous one's rows ends the walk. */
  private async forEachPage(status: 'COMPLETED' | 'FAILED', first: BulkStatusData, visit: (rows: BulkStatusRow[]) => Promise<void>): Promise<void> {
    let data = first;
    let previousKey = '';
    const maxPages = Math.max(1, data.pagination?.total_pages ?? Math.ceil((data.pagination?.total ?? 0) / this.ctx.config.page_size)) + 1;
    for (let page = 1; ; page++) {
      if (data.metadata?.global_config) this.globalConfig = data.metadata.global_config;
      const rows = data.records ?? [];
      for (const row of rows) {
        if (!KNOWN_ROW_STATUSES.includes(row.status)) this.ctx.warnOnce(`row_status:${row.status}`, `Unknown row status "${row.status}" from FinPro (kept as sent).`);
      }
      const key = rows.length > 0 ? `${rowIdOf(rows[0]!)}:${rowIdOf(rows[rows.length - 1]!)}:${rows.length}` : '';
      if (page > 1 && key !== '' && key === previousKey) {
        this.ctx.warnOnce(`loop:${this.entry.ref}`, `Loop detected in pagination of ${this.entry.ref}: page ${page} repeats page ${page - 1}; stopping this pass.`);
        return;
      }
      previousKey = key;
      await visit(rows);
      const hasNext = data.pagination?.has_next ?? (data.pagination?.total_pages != null ? page < data.pagination.total_pages : rows.length >= this.ctx.config.page_size);
      if (!hasNext || rows.length === 0 || page >= maxPages) return;
      data = await this.page(status, page + 1);
    }
  }

  private async emitBatch(data: BulkStatusData): Promise<void> {
    const s = data.summary ?? {};
    const signature = `${data.batch_status}|${s.total}|${s.ready}|${s.in_progress}|${s.completed}|${s.failed}`;
    if (signature === this.lastBatchSignature) return;
    this.lastBatchSignature = signature;
    const meta = data.metadata ?? {};
    const updatedAt = meta.last_updated_at ?? new Date(this.ctx.now()).toISOString();
    await emitIfWanted(
      this.ctx,
      'bulk_batches',
      bulkBatchRecord({
        batchId: this.entry.batch_id,
        referenceId: this.entry.ref,
        requestMode: 'bulk',
        submissionMode: this.entry.submission,
        status: data.batch_status,
        total: s.total ?? null,
        ready: s.ready ?? null,
        inProgress: s.in_progress ?? null,
        completed: s.completed ?? null,
        failed: s.failed ?? null,
        progressPercentage: meta.progress_percentage ?? null,
        fileName: meta.file_name ?? null,
        submittedAt: meta.submitted_at ?? null,
        parentReferenceId: this.parentReferenceId,
        retryAttempt: this.entry.attempt,
        globalConfig: meta.global_config ?? null,
        updatedAt,
      }),
      updatedAt,
      this.resumed,
    );
  }

  private async emitRow(row: BulkStatusRow, outcome: { errorCode: string | null; errorMessage: string | null; isFinal: boolean }): Promise<void> {
    const updatedAt = row.updated_at ?? new Date(this.ctx.now()).toISOString();
    const rowId = typeof row.id === 'number' ? row.id : row.id != null && /^\d+$/.test(row.id) ? Number(row.id) : null;
    await emitIfWanted(
      this.ctx,
      'bulk_batch_rows',
      bulkBatchRowRecord({
        batchId: this.entry.batch_id,
        referenceId: this.entry.ref,
        consentId: row.consent_id,
        rowId,
        requestMode: 'bulk',
        status: row.status,
        retryEligible: row.retry_eligible ?? null,
        sessionId: row.session_id ?? null,
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
        from: row.fiDataRangeFrom ?? null,
        to: row.fiDataRangeTo ?? null,
        configId: row.configId ?? null,
        retryAttempt: this.entry.attempt,
        isFinal: outcome.isFinal,
        updatedAt,
      }),
      updatedAt,
      this.resumed,
    );
  }
}

/** Row ids are integers in the contract; anything else is keyed by a hash of the consent. */
function rowIdOf(row: BulkStatusRow): number {
  if (typeof row.id === 'number' && Number.isInteger(row.id) && row.id >= 0) return row.id;
  if (typeof row.id === 'string' && /^\d{1,15}$/.test(row.id)) return Number(row.id);
  return 1_000_000_000 + (fnv1a(row.consent_id) % 1_000_000_000);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
