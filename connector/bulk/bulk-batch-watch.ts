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
import { PageWalk, passDue } from './page-walk.js';
import { nextPollIntervalMs } from './poll-backoff.js';
import { decideFailedRow, KNOWN_ELIGIBILITIES } from './retry-policy.js';

type RowStatus = 'COMPLETED' | 'FAILED';

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
  /** Rows seen with each final status in this run (harvested, settled, or found already done): what the page walks count. */
  private readonly seen: Record<RowStatus, Set<number>> = { COMPLETED: new Set(), FAILED: new Set() };
  private readonly lastPassAt: Record<RowStatus, number> = { COMPLETED: -Infinity, FAILED: -Infinity };
  /** A pass stopped before reading every page: the batch's end needs one full pass. */
  private cheapPassUsed = false;
  private intervalMs: number;
  private settledSeen = -1;
  private lastBatchSignature = '';
  private readonly watchStartedMs: number;

  constructor(
    private readonly ctx: EngineContext,
    public entry: InFlightBatch,
    private readonly parentReferenceId: string | null,
  ) {
    this.done = decodeRanges(entry.done);
    this.intervalMs = ctx.config.polling.initial_interval_seconds * 1000;
    this.watchStartedMs = ctx.now();
  }

  async poll(): Promise<WatchOutcome> {
    const { ctx, entry } = this;
    const pageSize = ctx.config.page_size;
    let head: BulkStatusData;
    // The summary is all a poll needs; a batch known to fit one page gets its rows in the same call.
    const headLimit = this.knownTotal !== undefined && this.knownTotal <= pageSize ? pageSize : 1;
    try {
      head = await this.page('COMPLETED', 1, headLimit);
    } catch (error) {
      if (error instanceof FinproApiError && error.status === 404) return { kind: 'dropped' };
      throw error;
    }
    await this.emitBatch(head);
    const summary = head.summary ?? {};
    const total = summary.total ?? head.pagination?.total ?? 0;
    this.knownTotal = total;
    const completed = summary.completed ?? null;
    const failed = summary.failed ?? null;
    const settled = (completed ?? 0) + (failed ?? 0);
    const progressed = settled !== this.settledSeen;
    this.settledSeen = settled;
    const status = head.batch_status;
    if (!KNOWN_BATCH_STATUSES.includes(status)) ctx.warnOnce(`batch_status:${status}`, `Unknown batch_status "${status}" from FinPro (kept as sent).`);
    if (status === 'FAILED') {
      throw new SystemError(`FinPro failed batch ${entry.ref} as a whole (batch_status FAILED): its file or request was rejected.`);
    }
    const ended = status === 'COMPLETED' || (total > 0 && settled >= total);
    const headRows = headLimit === pageSize ? head : undefined;
    if (this.due('COMPLETED', completed, ended)) await this.harvestPass(completed, false, headRows);
    if (this.due('FAILED', failed, ended)) await this.settleFailedPass(failed, false);

    if (status === 'COMPLETED' && this.done.size >= Math.min(total, settled)) {
      if (this.cheapPassUsed || this.done.size < total) {
        // Counts can mislead (a row listed twice, rows moving between pages while read): one full pass before the batch is let go.
        await this.harvestPass(null, true);
      }
      const { retry, finalFailures } = await this.settleFailedPass(null, true);
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

  /** The batch's row count from the last poll (undefined before the first). */
  private knownTotal: number | undefined;

  /** Whether a pass over rows of `status` is due; `count` null: the server gave no count, so every poll passes (the safe, old way). */
  private due(status: RowStatus, count: number | null, ended: boolean): boolean {
    const missing = count === null ? Infinity : count - this.seen[status].size;
    return passDue({
      missing,
      pageSize: this.ctx.config.page_size,
      ended,
      sinceLastPassMs: this.ctx.now() - this.lastPassAt[status],
      maxIntervalMs: this.ctx.config.polling.max_interval_seconds * 1000,
    });
  }

  private page(status: RowStatus, page: number, limit = this.ctx.config.page_size): Promise<BulkStatusData> {
    return bulkStatus(this.ctx.client, {
      reference_id: this.entry.ref,
      page,
      limit,
      filters: { status: [status] },
    });
  }

  /** Harvests the COMPLETED rows not done yet, page by page (see page-walk.ts for which pages). */
  private async harvestPass(target: number | null, full: boolean, head?: BulkStatusData): Promise<void> {
    await this.walk('COMPLETED', target, full, head, async (rows) => {
      const unique = new Map<number, BulkStatusRow>();
      for (const row of rows) {
        if (row.status !== 'COMPLETED') continue;
        const id = rowIdOf(row);
        this.seen.COMPLETED.add(id);
        // De-duplicate within the page too: the same row twice must not be fetched twice.
        if (!this.done.has(id)) unique.set(id, row);
      }
      if (unique.size === 0) return;
      const settledIds: number[] = [];
      const failedNow: Record<string, string> = {};
      let completedNow = 0;
      let failedCount = 0;
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
      const failedAt = failedCount > 0 ? (this.ctx.planPositions?.(this.entry.chunk, Object.keys(failedNow)) ?? []) : [];
      this.ctx.sync.apply({ type: 'rows-settled', ref: this.entry.ref, rows: settledIds, failedAt });
      await this.ctx.state.checkpoint();
      this.ctx.progress.update({ rowsCompleted: completedNow, rowsFailed: failedCount });
      await this.ctx.onRowsSettled?.();
    });
  }

  /**
   * Pages through FAILED rows: emits the ones not seen yet (with whether they are final) and,
   * when `collect` is set (the batch has ended; always a full pass), returns what to retry and
   * what failed for good.
   */
  private async settleFailedPass(target: number | null, collect: boolean): Promise<{ retry: PlannedConsent[]; finalFailures: Record<string, string> }> {
    const retry = new Map<string, PlannedConsent>();
    const finalFailures: Record<string, string> = {};
    // FinPro's now: a corrected range must not end after it, whatever our clock says.
    const nowIso = new Date(this.ctx.client.clock.now()).toISOString();
    await this.walk('FAILED', target, collect, undefined, async (rows) => {
      const settledIds: number[] = [];
      for (const row of rows) {
        if (row.status !== 'FAILED') continue;
        const id = rowIdOf(row);
        this.seen.FAILED.add(id);
        if (!collect && this.done.has(id)) continue;
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
        this.ctx.sync.apply({ type: 'rows-settled', ref: this.entry.ref, rows: settledIds });
        await this.ctx.state.checkpoint();
        this.ctx.progress.update({ rowsFailed: settledIds.length });
      }
    });
    // A consent retried in one row and failed for good in another (duplicates) is retried.
    for (const consentId of retry.keys()) delete finalFailures[consentId];
    return { retry: [...retry.values()], finalFailures };
  }

  private globalConfig: Record<string, unknown> | null = null;

  /**
   * One pass over the pages of `status` in the order PageWalk gives, visiting each page's
   * rows. `target` null (no count from the server) or `full`: every page.
   */
  private async walk(status: RowStatus, target: number | null, full: boolean, head: BulkStatusData | undefined, visit: (rows: BulkStatusRow[]) => Promise<void>): Promise<void> {
    const limit = this.ctx.config.page_size;
    const seen = this.seen[status];
    const total = this.knownTotal ?? 0;
    const walk = new PageWalk({
      known: seen.size,
      target: target ?? Infinity,
      limit,
      // Rows of one status never outnumber the batch's rows; one page more tolerates a count that is off by a little.
      maxPages: Math.max(1, Math.ceil(total / limit)) + 1,
      full: full || target === null,
    });
    this.lastPassAt[status] = this.ctx.now();
    for (let page = walk.next(); page !== undefined; page = walk.next()) {
      const data = page === 1 && head !== undefined ? head : await this.page(status, page);
      if (data.metadata?.global_config) this.globalConfig = data.metadata.global_config;
      const rows = data.records ?? [];
      for (const row of rows) {
        if (!KNOWN_ROW_STATUSES.includes(row.status)) this.ctx.warnOnce(`row_status:${row.status}`, `Unknown row status "${row.status}" from FinPro (kept as sent).`);
      }
      await visit(rows);
      const hasNext = data.pagination?.has_next ?? (data.pagination?.total_pages != null ? page < data.pagination.total_pages : rows.length >= limit);
      walk.record(page, { rows: rows.length, hasNext, seen: seen.size });
    }
    if (walk.stoppedEarly) this.cheapPassUsed = true;
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
