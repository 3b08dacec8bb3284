import { randomUUID } from 'node:crypto';
import { API_VERSION, HttpError, invalid, json, parseJsonObject } from '../http-io.js';
import { requiredString } from '../request-fields.js';
import { JSON_BODY_LIMIT, type FinProRoute } from '../route-types.js';
import { scheduleBatch } from '../../bulk/batch-timeline-builder.js';
import { checkReferenceId, MAX_BATCH_ROWS, readDefaults, rowInput } from '../../bulk/schedule-validation.js';
import { iso } from '../../util/time-format.js';

/** POST /v2/schedule/fi/requests: a batch from a JSON list of consents. */
export const scheduleRoute: FinProRoute = {
  path: '/v2/schedule/fi/requests',
  bodyLimit: JSON_BODY_LIMIT,
  tooLargeCode: 'BatchTooLarge',
  body: 'json',
  handle({ ctx, body, baseUrl }) {
    const payload = parseJsonObject(body);
    const referenceId = requiredString(payload, 'reference_id');
    ctx.stats.scheduleCall(referenceId);
    checkReferenceId(referenceId);
    const list = payload['consents_list'];
    if (!Array.isArray(list)) throw invalid('consents_list', 'must be an array');
    if (list.length === 0) throw invalid('consents_list', 'must not be empty');
    if (list.length > MAX_BATCH_ROWS) {
      throw new HttpError(400, 'BatchTooLarge', `A batch holds at most ${MAX_BATCH_ROWS} consents; got ${list.length}.`);
    }
    const defaults = readDefaults(payload);
    const inputs = list.map((row: unknown, i) => {
      const path = `consents_list[${i}]`;
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw invalid(path, 'must be an object');
      return rowInput(row as Record<string, unknown>, 'consent_id', path, defaults);
    });
    if (ctx.batches.has(referenceId)) {
      throw new HttpError(409, 'DuplicateReferenceId', `reference_id ${referenceId} is already used by another batch; look it up with /bulk/status.`);
    }
    const batch = scheduleBatch(ctx, { referenceId, inputs, globalConfig: defaults.echo, fileName: null });
    return {
      ...json(200, {
        ver: API_VERSION,
        timestamp: iso(ctx.now()),
        txnid: randomUUID(),
        status: 'success',
        message: 'Bulk FI requests scheduled successfully',
        data: {
          reference_id: referenceId,
          batch_id: batch.id,
          status: 'READY',
          total_records: batch.rows.length,
          tracking_url: `${baseUrl}/bulk/status?reference_id=${encodeURIComponent(referenceId)}`,
        },
      }),
      referenceId,
    };
  },
};
