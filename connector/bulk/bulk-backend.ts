import { SystemError } from '../errors/connector-errors.js';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import type { FinproClient } from '../finpro/finpro-client.js';
import { bulkStatus } from '../finpro/finpro-endpoints.js';
import type { BulkStatusData, BulkStatusRow } from '../finpro/finpro-responses.js';
import { fnv1a } from '../state/state-transitions.js';
import type { BatchBackend, BatchSnapshot, BatchView, LookEnd, LookEvent, RowOutcome } from './batch-backend.js';
import type { PlannedConsent } from './batch-planner.js';
import { hasNextPage, PageWalk, passDue } from './page-walk.js';
import { decideFailedRow, KNOWN_ELIGIBILITIES } from './row-retry-policy.js';

type RowStatus = 'COMPLETED' | 'FAILED';

const KNOWN_ROW_STATUSES = ['READY', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];
const KNOWN_BATCH_STATUSES = ['READY', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];

export interface BulkBackendDeps {
  client: FinproClient;
  pageSize: number;
  maxRetries: number;
  /** The config's polling.max_interval_seconds: a page walk is due at least that often. */
  maxIntervalMs: number;
  now: () => number;
  /** Logs a WARN once per key (unknown enum values). */
  warnOnce: (key: string, message: string) => void;
}

/**
 * A bulk batch seen through `/bulk/status`: each look reads the summary, pages through the
 * COMPLETED rows as soon as there are new ones (so FI data is read while the rest of the batch
 * still runs) and through the FAILED ones, and once the batch has COMPLETED makes one full
 * pass to say what to retry and what failed for good. Pages and rows come in any order and a
 * row may show up twice: the watch's settled row ids (also in state) decide what is new.
 * The batch ends when FinPro calls it COMPLETED, its summary counts no row still running, and
 * every row its pages list is settled; the summary's totals never decide it (a row listed
 * twice counts twice there), they are only checked and warned about.
 */
export class BulkBackend implements BatchBackend {
  readonly mode = 'bulk';
  /** Rows seen with each final status in this run (settled here or found already done): what the page walks count. */
  private readonly seen: Record<RowStatus, Set<number>> = { COMPLETED: new Set(), FAILED: new Set() };
  private readonly lastPassAt: Record<RowStatus, number> = { COMPLETED: -Infinity, FAILED: -Infinity };
  /** A pass stopped before reading every page: the batch's end needs one full pass. */
  private cheapPassUsed = false;
  private settledSeen = -1;
  /** The batch's row count from the last look (undefined before the first). */
  private knownTotal: number | undefined;
  private globalConfig: Record<string, unknown> | null = null;

  constructor(private readonly deps: BulkBackendDeps) {}

  async *look(view: BatchView): AsyncGenerator<LookEvent, LookEnd, void> {
    const { pageSize } = this.deps;
    // The summary is all a look needs; a batch known to fit one page gets its rows in the same call.
    const headLimit = this.knownTotal !== undefined && this.knownTotal <= pageSize ? pageSize : 1;
    let head: BulkStatusData;
    try {
      head = await this.page(view, 'COMPLETED', 1, headLimit);
    } catch (error) {
      if (error instanceof FinproApiError && error.status === 404) return { kind: 'dropped' };
      throw error;
    }
    yield { kind: 'batch', snapshot: snapshotOf(head) };
    const summary = head.summary ?? {};
    const total = summary.total ?? head.pagination?.total ?? 0;
    this.knownTotal = total;
    const completed = summary.completed ?? null;
    const failed = summary.failed ?? null;
    const settled = (completed ?? 0) + (failed ?? 0);
    const progressed = settled !== this.settledSeen;
    this.settledSeen = settled;
    const status = head.batch_status;
    if (!KNOWN_BATCH_STATUSES.includes(status)) this.deps.warnOnce(`batch_status:${status}`, `Unknown batch_status "${status}" from FinPro (kept as sent).`);
    if (status === 'FAILED') {
      throw new SystemError(`FinPro failed batch ${view.entry.ref} as a whole (batch_status FAILED): its file or request was rejected.`);
    }
    const ended = status === 'COMPLETED' || (total > 0 && settled >= total);
    const headRows = headLimit === pageSize ? head : undefined;
    if (this.due('COMPLETED', completed, ended)) yield* this.walk(view, 'COMPLETED', completed, false, headRows);
    if (this.due('FAILED', failed, ended)) yield* this.walk(view, 'FAILED', failed, false);

    // COMPLETED says every row ended; a summary still counting rows that run contradicts it, and letting the batch go would lose them.
    const running = (summary.ready ?? 0) + (summary.in_progress ?? 0);
    if (status === 'COMPLETED' && running > 0) {
      this.deps.warnOnce(
        `pending:${view.entry.ref}`,
        `FinPro calls batch ${view.entry.ref} COMPLETED but its summary still counts ${running} row(s) READY or IN_PROGRESS: watching it until they end.`,
      );
    }
    if (status === 'COMPLETED' && running === 0) {
      // Done is what the pages list, not what the summary counts (a row listed twice is counted twice):
      // every listed row settled after one full pass over each status, so no count can hold the batch nor let a row go unread.
      if (this.cheapPassUsed || completed === null || this.seen.COMPLETED.size < completed || view.done.size < total) {
        yield* this.walk(view, 'COMPLETED', null, true);
      }
      const decided: Decided = { retry: new Map(), finalFailures: {} };
      yield* this.walk(view, 'FAILED', null, true, undefined, decided);
      this.checkTotals(view, total, completed, failed);
      // A consent retried in one row and failed for good in another (duplicates) is retried.
      for (const consentId of decided.retry.keys()) delete decided.finalFailures[consentId];
      return { kind: 'ended', retry: [...decided.retry.values()], finalFailures: decided.finalFailures };
    }
    return { kind: 'running', progressed, status };
  }

  /** WARNs once when the summary's counts disagree with the distinct rows the batch's pages listed. */
  private checkTotals(view: BatchView, total: number, completed: number | null, failed: number | null): void {
    const listedCompleted = this.seen.COMPLETED.size;
    const listedFailed = this.seen.FAILED.size;
    const listed = new Set([...this.seen.COMPLETED, ...this.seen.FAILED]).size;
    if (listed === total && (completed ?? listedCompleted) === listedCompleted && (failed ?? listedFailed) === listedFailed) return;
    this.deps.warnOnce(
      `totals:${view.entry.ref}`,
      `FinPro's summary of batch ${view.entry.ref} counts ${total} rows (${completed ?? '?'} completed, ${failed ?? '?'} failed) but its pages list ` +
        `${listed} distinct rows (${listedCompleted} completed, ${listedFailed} failed): each listed row is settled once and the batch is done.`,
    );
  }

  /** Whether a pass over rows of `status` is due; `count` null: the server gave no count, so every look passes. */
  private due(status: RowStatus, count: number | null, ended: boolean): boolean {
    const missing = count === null ? Infinity : count - this.seen[status].size;
    return passDue({
      missing,
      pageSize: this.deps.pageSize,
      ended,
      sinceLastPassMs: this.deps.now() - this.lastPassAt[status],
      maxIntervalMs: this.deps.maxIntervalMs,
    });
  }

  private page(view: BatchView, status: RowStatus, page: number, limit = this.deps.pageSize): Promise<BulkStatusData> {
    return bulkStatus(this.deps.client, { reference_id: view.entry.ref, page, limit, filters: { status: [status] } });
  }

  /**
   * One pass over the pages of `status` in the order PageWalk gives, yielding each page's rows
   * that ended. `target` null (no count from the server) or `full`: every page. `decided`
   * (FAILED, the batch's end): collects what to retry and what failed for good, rows settled
   * before included.
   */
  private async *walk(
    view: BatchView,
    status: RowStatus,
    target: number | null,
    full: boolean,
    head?: BulkStatusData,
    decided?: Decided,
  ): AsyncGenerator<LookEvent, void, void> {
    const limit = this.deps.pageSize;
    const seen = this.seen[status];
    const walk = new PageWalk({
      known: seen.size,
      target: target ?? Infinity,
      limit,
      // Rows of one status never outnumber the batch's rows; one page more tolerates a count that is off by a little.
      maxPages: Math.max(1, Math.ceil((this.knownTotal ?? 0) / limit)) + 1,
      full: full || target === null,
    });
    this.lastPassAt[status] = this.deps.now();
    const nowIso = this.deps.client.clock.nowIso();
    const listedInPass = new Set<number>();
    for (let page = walk.next(); page !== undefined; page = walk.next()) {
      let data = page === 1 && head !== undefined ? head : await this.page(view, status, page);
      // A page listing only rows an earlier page of this pass listed is not what a stable server
      // sends (a page repeated, or rows moving while they are paged): read it again, so the rows
      // it should have held are not taken as absent. Twice at most; then it is taken as sent.
      for (let again = 0; again < PAGE_REREADS && page > 1 && repeatsEarlierPage(data.records, listedInPass); again++) {
        data = await this.page(view, status, page);
      }
      if (data.metadata?.global_config) this.globalConfig = data.metadata.global_config;
      const rows = data.records ?? [];
      for (const row of rows) listedInPass.add(rowIdOf(row));
      const outcomes: RowOutcome[] = [];
      for (const row of rows) {
        if (!KNOWN_ROW_STATUSES.includes(row.status)) this.deps.warnOnce(`row_status:${row.status}`, `Unknown row status "${row.status}" from FinPro (kept as sent).`);
        if (row.status !== status) continue;
        const id = rowIdOf(row);
        seen.add(id);
        if (status === 'COMPLETED') {
          if (!view.done.has(id)) outcomes.push(completedOutcome(id, row));
          continue;
        }
        if (decided === undefined && view.done.has(id)) continue;
        const outcome = this.failedOutcome(id, row, view.entry.attempt, nowIso, decided);
        if (!view.done.has(id)) outcomes.push(outcome);
      }
      if (outcomes.length > 0) yield { kind: 'rows', rows: outcomes };
      const hasNext = hasNextPage(data.pagination, page, rows.length, limit);
      walk.record(page, { rows: rows.length, hasNext, seen: seen.size });
    }
    if (walk.stoppedEarly) this.cheapPassUsed = true;
  }

  private failedOutcome(id: number, row: BulkStatusRow, attempt: number, nowIso: string, decided: Decided | undefined): RowOutcome {
    const error = typeof row.error === 'object' && row.error !== null ? row.error : null;
    const code = error?.code ?? (typeof row.error === 'string' ? row.error : null) ?? 'Unknown';
    const message = error?.message ?? (typeof row.error === 'string' ? row.error : null);
    const eligibility = row.retry_eligible ?? null;
    if (eligibility !== null && !KNOWN_ELIGIBILITIES.includes(eligibility)) {
      this.deps.warnOnce(`retry_eligible:${eligibility}`, `Unknown retry_eligible "${eligibility}" from FinPro (kept as sent, treated as final).`);
    }
    const from = row.fiDataRangeFrom ?? stringOf(this.globalConfig?.['fiDataRangeFrom']);
    const to = row.fiDataRangeTo ?? stringOf(this.globalConfig?.['fiDataRangeTo']);
    const decision =
      from !== undefined && to !== undefined
        ? decideFailedRow({ eligibility, code, message, details: error?.details ?? null, from, to, attempt }, this.deps.maxRetries, nowIso)
        : ({ kind: 'final' } as const);
    if (decided !== undefined) {
      if (decision.kind === 'retry') {
        decided.retry.set(row.consent_id, { consentId: row.consent_id, from: decision.from, to: decision.to, ...(row.configId ? { configId: row.configId } : {}) });
      } else decided.finalFailures[row.consent_id] = code;
    }
    return {
      ...rowFields(id, row),
      errorCode: code,
      errorMessage: message ?? null,
      isFinal: decision.kind === 'final',
      failedNow: false,
    };
  }
}

/** Times a page that only repeats rows listed earlier in the same pass is read again. */
const PAGE_REREADS = 2;

/** Every row of the page was listed by an earlier page of the pass (an empty page repeats nothing). */
function repeatsEarlierPage(records: readonly BulkStatusRow[] | null | undefined, listed: ReadonlySet<number>): boolean {
  return records !== null && records !== undefined && records.length > 0 && records.every((row) => listed.has(rowIdOf(row)));
}

interface Decided {
  retry: Map<string, PlannedConsent>;
  finalFailures: Record<string, string>;
}

function completedOutcome(id: number, row: BulkStatusRow): RowOutcome {
  const sessionId = row.session_id ?? null;
  const fields = { ...rowFields(id, row), isFinal: true };
  if (sessionId === null) {
    return { ...fields, errorCode: 'NoSession', errorMessage: 'FinPro reported the row COMPLETED without a session_id.', failedNow: true };
  }
  return {
    ...fields,
    errorCode: null,
    errorMessage: null,
    failedNow: false,
    harvest: { sessionId, ...(row.fiDataRangeFrom != null ? { from: row.fiDataRangeFrom } : {}), ...(row.fiDataRangeTo != null ? { to: row.fiDataRangeTo } : {}) },
  };
}

function rowFields(id: number, row: BulkStatusRow): Omit<RowOutcome, 'errorCode' | 'errorMessage' | 'isFinal' | 'failedNow' | 'harvest'> {
  return {
    id,
    recordId: typeof row.id === 'number' ? row.id : row.id != null && /^\d+$/.test(row.id) ? Number(row.id) : null,
    consentId: row.consent_id,
    status: row.status,
    sessionId: row.session_id ?? null,
    retryEligible: row.retry_eligible ?? null,
    from: row.fiDataRangeFrom ?? null,
    to: row.fiDataRangeTo ?? null,
    configId: row.configId ?? null,
    updatedAt: row.updated_at ?? null,
  };
}

function snapshotOf(data: BulkStatusData): BatchSnapshot {
  const s = data.summary ?? {};
  const meta = data.metadata ?? {};
  return {
    status: data.batch_status,
    total: s.total ?? null,
    ready: s.ready ?? null,
    inProgress: s.in_progress ?? null,
    completed: s.completed ?? null,
    failed: s.failed ?? null,
    progressPercentage: meta.progress_percentage ?? null,
    fileName: meta.file_name ?? null,
    submittedAt: meta.submitted_at ?? null,
    globalConfig: meta.global_config ?? null,
    updatedAt: meta.last_updated_at ?? null,
  };
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
