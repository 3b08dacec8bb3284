import { FinproApiError } from '../finpro/finpro-api-error.js';
import { FinproTransientError, type FinproClient } from '../finpro/finpro-client.js';
import { bulkStatus, scheduleFile, scheduleJson, type ScheduleJsonBody } from '../finpro/finpro-endpoints.js';
import { backoffDelayMs } from '../finpro/retry-backoff.js';
import { TransientError } from '../errors/connector-errors.js';
import { batchDefaults, type PlannedConsent } from './batch-planner.js';
import { scheduleForm } from '../finpro/schedule-upload-form.js';

/**
 * Schedules one batch so that it exists exactly once. A schedule call that times out, fails
 * with a 5xx or a reset, or answers 409 DuplicateReferenceId may have taken effect: the
 * reference is looked up with `/bulk/status` and the batch found there is adopted; only when
 * the server does not know the reference is the call sent again, under the same name.
 */
export interface ScheduledBatch {
  batchId: string;
  adopted: boolean;
}

const MAX_SCHEDULE_ATTEMPTS = 8;

export async function scheduleBatch(
  client: FinproClient,
  args: { referenceId: string; consents: readonly PlannedConsent[]; submission: 'json' | 'file' },
  sleep: (ms: number) => Promise<void>,
): Promise<ScheduledBatch> {
  for (let attempt = 0; ; attempt++) {
    try {
      const data =
        args.submission === 'file'
          ? await scheduleFile(client, scheduleForm(args.referenceId, args.consents), { retry: false })
          : await scheduleJson(client, scheduleBody(args.referenceId, args.consents), { retry: false });
      return { batchId: data.batch_id, adopted: false };
    } catch (error) {
      const ambiguous = error instanceof FinproTransientError || (error instanceof FinproApiError && error.status === 409);
      if (!ambiguous) throw error;
      const found = await lookUpBatch(client, args.referenceId);
      if (found !== undefined) return { batchId: found, adopted: true };
      if (attempt + 1 >= MAX_SCHEDULE_ATTEMPTS) {
        throw new TransientError(`Could not schedule batch ${args.referenceId}: ${(error as Error).message}`);
      }
      await sleep(backoffDelayMs(attempt, 500, 15_000));
    }
  }
}

/** The batch id FinPro holds under a reference, or undefined when it knows none (404). */
export async function lookUpBatch(client: FinproClient, referenceId: string): Promise<string | undefined> {
  try {
    const data = await bulkStatus(client, { reference_id: referenceId, page: 1, limit: 1 });
    return data.batch_id ?? undefined;
  } catch (error) {
    if (error instanceof FinproApiError && error.status === 404) return undefined;
    throw error;
  }
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
