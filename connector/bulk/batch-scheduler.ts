import { ConfigError } from '../errors/connector-errors.js';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import { FinproTransientError, type FinproClient } from '../finpro/finpro-client.js';
import { bulkStatus, scheduleFile, scheduleJson, type ScheduleJsonBody } from '../finpro/finpro-endpoints.js';
import { writeOnce } from './ambiguous-write.js';
import { batchDefaults, type PlannedConsent } from './batch-planner.js';
import { hasNextPage } from './page-walk.js';
import { scheduleForm } from './schedule-upload-form.js';

/**
 * Schedules one batch so that it exists exactly once. A schedule call that times out, fails
 * with a 5xx or a reset, or answers 409 DuplicateReferenceId may have taken effect: the
 * reference is looked up with `/bulk/status` and the batch found there is adopted if it holds
 * the planned consents and ranges; only when the server does not know the reference is the call sent
 * again, under the same name (ambiguous-write.ts).
 */
export interface ScheduledBatch {
  batchId: string;
  adopted: boolean;
}

export async function scheduleBatch(
  client: FinproClient,
  args: { referenceId: string; consents: readonly PlannedConsent[]; submission: 'json' | 'file'; pageSize: number },
  sleep: (ms: number) => Promise<void>,
): Promise<ScheduledBatch> {
  const { value, adopted } = await writeOnce(
    {
      what: `schedule of batch ${args.referenceId}`,
      write: async () =>
        (args.submission === 'file'
          ? await scheduleFile(client, scheduleForm(args.referenceId, args.consents), { retry: false })
          : await scheduleJson(client, scheduleBody(args.referenceId, args.consents), { retry: false })
        ).batch_id,
      mayHaveTakenEffect: (error) => error instanceof FinproTransientError || (error instanceof FinproApiError && error.status === 409),
      lookUp: () => lookUpBatch(client, args.referenceId, args.consents, args.pageSize),
    },
    sleep,
  );
  return { batchId: value, adopted };
}

/**
 * The batch id FinPro holds under a reference, or undefined when it knows none (404). A batch
 * there that holds other consents or ranges than the plan is not ours: another sync under the
 * same reference_id_prefix began at the same instant, and adopting its batch would read its
 * consents and ranges as ours and leave ours unread. A row that does not say its range (nor
 * the batch's defaults) is taken on its consent alone.
 */
export async function lookUpBatch(client: FinproClient, referenceId: string, consents: readonly PlannedConsent[], pageSize: number): Promise<string | undefined> {
  const planned = new Map(consents.map((c) => [c.consentId, c]));
  let batchId: string | undefined;
  let total: number | undefined;
  let read = 0;
  for (let page = 1; ; page++) {
    let data;
    try {
      data = await bulkStatus(client, { reference_id: referenceId, page, limit: pageSize });
    } catch (error) {
      if (page === 1 && error instanceof FinproApiError && error.status === 404) return undefined;
      throw error;
    }
    batchId ??= data.batch_id ?? undefined;
    total ??= data.summary?.total ?? data.pagination?.total ?? undefined;
    const rows = data.records ?? [];
    read += rows.length;
    const defaults = data.metadata?.global_config;
    const stranger = rows.find((row) => {
      const plan = planned.get(row.consent_id);
      return plan === undefined || !sameInstant(row.fiDataRangeFrom ?? defaults?.['fiDataRangeFrom'], plan.from) || !sameInstant(row.fiDataRangeTo ?? defaults?.['fiDataRangeTo'], plan.to);
    });
    if (stranger !== undefined || (total !== undefined && total !== planned.size)) throw notOurs(referenceId);
    const hasNext = hasNextPage(data.pagination, page, rows.length, pageSize);
    // A loop guard: a server that always says "more" cannot hold more rows than the plan.
    if (!hasNext || rows.length === 0 || read >= planned.size) break;
  }
  return batchId;
}

/**
 * Whether FinPro's range end is the planned instant, within the second: a server may keep
 * ranges to whole seconds, and another sync's range differs by far more (it starts at that
 * sync's watermark). One FinPro does not state (or not as a time) cannot disagree.
 */
function sameInstant(sent: unknown, planned: string): boolean {
  const ms = typeof sent === 'string' ? Date.parse(sent) : Number.NaN;
  return Number.isNaN(ms) || Math.abs(ms - Date.parse(planned)) < 1000;
}

function notOurs(referenceId: string): ConfigError {
  return new ConfigError(
    `FinPro holds batch ${referenceId} with consents or ranges this sync did not plan: another sync with the same reference_id_prefix (another connection, or this one before its state was reset) began at the same instant. Give each connection its own prefix.`,
  );
}

export function scheduleBody(referenceId: string, consents: readonly PlannedConsent[]): ScheduleJsonBody {
  const defaults = batchDefaults(consents);
  return {
    reference_id: referenceId,
    fiDataRangeFrom: defaults.from,
    fiDataRangeTo: defaults.to,
    ...(defaults.configId !== undefined ? { configId: defaults.configId } : {}),
    consents_list: consents.map((c) => ({
      consent_id: c.consentId,
      ...(c.from !== defaults.from ? { fiDataRangeFrom: c.from } : {}),
      ...(c.to !== defaults.to ? { fiDataRangeTo: c.to } : {}),
      ...(c.configId !== undefined && c.configId !== defaults.configId ? { configId: c.configId } : {}),
    })),
  };
}
