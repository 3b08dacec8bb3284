import { rowStateAt, type Batch, type BatchRow, type BatchStatus, type RowStatus } from './batch-model.js';
import { closingBalance } from '../population/balance-chain.js';
import type { SandboxContext } from '../sandbox-context.js';
import { paiseToDecimal } from '../util/money-format.js';
import { iso } from '../util/time-format.js';

export interface StatusQuery {
  statuses: ReadonlySet<RowStatus> | null;
  retryEligible: string | null;
  page: number;
  limit: number;
  includeBalances: boolean;
}

/** The `data` of a /bulk/status answer, computed from the clock (rows have fixed timelines). */
export function batchStatusView(ctx: SandboxContext, batch: Batch, query: StatusQuery): Record<string, unknown> {
  const now = ctx.now();
  const summary = { total: batch.rows.length, ready: 0, in_progress: 0, completed: 0, failed: 0 };
  let lastUpdated = batch.submittedAt;
  const matching: Array<{ row: BatchRow; status: RowStatus; updatedAt: number }> = [];
  for (const row of batch.rows) {
    const state = rowStateAt(row, batch.submittedAt, now);
    if (state.status === 'READY') summary.ready++;
    else if (state.status === 'IN_PROGRESS') summary.in_progress++;
    else if (state.status === 'COMPLETED') summary.completed++;
    else summary.failed++;
    if (state.updatedAt > lastUpdated) lastUpdated = state.updatedAt;
    if (query.statuses && !query.statuses.has(state.status)) continue;
    const eligibility = state.status === 'FAILED' ? row.eligibility : null;
    if (query.retryEligible !== null && eligibility !== query.retryEligible) continue;
    matching.push({ row, status: state.status, updatedAt: state.updatedAt });
  }

  let batchStatus: BatchStatus;
  if (batch.failure) batchStatus = 'FAILED';
  else if (summary.ready === summary.total) batchStatus = 'READY';
  else if (summary.completed + summary.failed === summary.total) batchStatus = 'COMPLETED';
  else batchStatus = 'IN_PROGRESS';

  const totalPages = Math.ceil(matching.length / query.limit);
  const pageRows = matching.slice((query.page - 1) * query.limit, query.page * query.limit);
  const done = summary.completed + summary.failed;
  return {
    reference_id: batch.referenceId,
    batch_id: batch.id,
    batch_status: batchStatus,
    ...(batch.failure ? { error: batch.failure } : {}),
    summary,
    metadata: {
      file_name: batch.fileName,
      submitted_at: iso(batch.submittedAt),
      last_updated_at: iso(lastUpdated),
      progress_percentage: batch.failure ? 100 : summary.total === 0 ? 0 : Math.floor((done / summary.total) * 100),
      global_config: batch.globalConfig,
    },
    pagination: {
      page: query.page,
      limit: query.limit,
      total: matching.length,
      total_pages: totalPages,
      has_next: query.page < totalPages,
      has_prev: query.page > 1,
    },
    records: pageRows.map(({ row, status, updatedAt }) => {
      const failed = status === 'FAILED';
      const record: Record<string, unknown> = {
        id: row.id,
        consent_id: row.consentId,
        status,
        retry_eligible: failed ? row.eligibility : null,
        session_id: status === 'READY' ? null : row.sessionId,
        error: failed ? row.error : null,
        updated_at: iso(updatedAt),
        fiDataRangeFrom: row.fiDataRangeFrom,
        fiDataRangeTo: row.fiDataRangeTo,
        configId: row.configId,
      };
      if (query.includeBalances) record['balances'] = status === 'COMPLETED' ? balancesOf(ctx, row) : null;
      return record;
    }),
  };
}

function balancesOf(ctx: SandboxContext, row: BatchRow): unknown[] {
  if (row.consentIndex === undefined) return [];
  const consent = ctx.population.consent(row.consentIndex);
  return consent.accounts
    .filter((a) => a.undelivered === null)
    .map((a) => ({
      linkReferenceNumber: a.linkReferenceNumber,
      maskedAccountNumber: a.maskedAccountNumber,
      fiType: a.fiType,
      fipId: a.fip.fipId,
      currentBalance: paiseToDecimal(closingBalance(ctx.options.seed, a, row.toMs)),
      currency: 'INR',
    }));
}
