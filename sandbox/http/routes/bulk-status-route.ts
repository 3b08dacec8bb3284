import { API_VERSION, HttpError, invalid, json, parseJsonObject } from '../http-io.js';
import { optionalBoolean, optionalInteger, optionalString } from '../request-fields.js';
import { JSON_BODY_LIMIT, type FinProRoute } from '../route-types.js';
import { ROW_STATUSES, type RowStatus } from '../../bulk/batch-model.js';
import { batchStatusView } from '../../bulk/batch-status-view.js';
import { iso } from '../../util/time-format.js';

const ELIGIBILITIES = ['Yes', 'No', 'YesWithModifications'];
/** The vendor's page-size ceiling; our default page when the client names none. */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

/** POST /bulk/status: batch progress, summary and a filtered page of rows. */
export const bulkStatusRoute: FinProRoute = {
  path: '/bulk/status',
  bodyLimit: JSON_BODY_LIMIT,
  tooLargeCode: 'InvalidRequest',
  body: 'json',
  handle({ ctx, body }) {
    const payload = parseJsonObject(body);
    const referenceId = optionalString(payload, 'reference_id');
    const batchId = optionalString(payload, 'batch_id');
    if (!referenceId && !batchId) throw invalid('reference_id', 'is required');
    const page = optionalInteger(payload, 'page', 1, Number.MAX_SAFE_INTEGER) ?? 1;
    const limitValue = payload['limit'];
    if (limitValue !== undefined && limitValue !== null && (typeof limitValue !== 'number' || !Number.isInteger(limitValue) || limitValue < 1 || limitValue > MAX_LIMIT)) {
      throw invalid('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const limit = (limitValue as number | undefined | null) ?? DEFAULT_LIMIT;
    const includeBalances = optionalBoolean(payload, 'include_balances') ?? false;

    const filters = payload['filters'];
    let statuses: Set<RowStatus> | null = null;
    let retryEligible: string | null = null;
    if (filters !== undefined && filters !== null) {
      if (typeof filters !== 'object' || Array.isArray(filters)) throw invalid('filters', 'must be an object');
      const f = filters as Record<string, unknown>;
      if (f['status'] !== undefined && f['status'] !== null) {
        const list = typeof f['status'] === 'string' ? [f['status']] : f['status'];
        if (!Array.isArray(list) || list.some((s) => !ROW_STATUSES.includes(s as RowStatus))) {
          throw invalid('filters.status', `must be an array of ${ROW_STATUSES.join(', ')}`);
        }
        statuses = new Set(list as RowStatus[]);
      }
      if (f['retry_eligible'] !== undefined && f['retry_eligible'] !== null) {
        if (typeof f['retry_eligible'] !== 'string' || !ELIGIBILITIES.includes(f['retry_eligible'])) {
          throw invalid('filters.retry_eligible', `must be one of ${ELIGIBILITIES.join(', ')}`);
        }
        retryEligible = f['retry_eligible'];
      }
    }

    const batch = referenceId ? ctx.batches.byReferenceId(referenceId) : ctx.batches.byBatchId(batchId ?? '');
    if (!batch) throw new HttpError(404, 'BatchNotFound', `No batch with ${referenceId ? `reference_id ${referenceId}` : `batch_id ${batchId}`}.`);
    return json(200, {
      ver: API_VERSION,
      timestamp: iso(ctx.now()),
      status: 'success',
      data: batchStatusView(ctx, batch, { statuses, retryEligible, page, limit, includeBalances }),
    });
  },
};
