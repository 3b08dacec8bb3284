import { z } from 'zod';
import { SystemError } from '../errors/connector-errors.js';

/**
 * zod models of the FinPro answers the engine reads. Tolerant on purpose: loose objects keep
 * unknown fields, enums are plain strings (an unknown value is kept as sent and warned about
 * by the engine, never a crash), counts and ids accept what a lenient server might send.
 * The FI data payload (`/getallfidata`) is NOT parsed here: it is large and hot, and the
 * mappers check its shape cheaply as they go.
 */
const str = z.string();
const optStr = z.string().nullish();
const count = z.coerce.number().int().nonnegative().nullish();

/**
 * Server-made identifiers (batch and session ids) are checked at the door, before they reach
 * state: a string, or a JSON number taken as its JSON text (never coerced: an object would
 * become "[object Object]"), of a sane length and alphabet. An id the server invented (a 2 MB
 * string, a control character) would otherwise be saved and sent back on every resume.
 */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
const id = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? JSON.stringify(v) : v))
  .pipe(z.string().regex(ID_PATTERN, { error: 'expected an identifier: 1-128 characters of A-Z a-z 0-9 _ . : -' }));

export const ScheduleResponse = z.looseObject({
  data: z.looseObject({ reference_id: optStr, batch_id: id, status: optStr, total_records: count }),
});
export type ScheduleResponse = z.infer<typeof ScheduleResponse>;

export const BulkStatusRow = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  consent_id: str,
  status: str,
  retry_eligible: optStr,
  session_id: id.nullish(),
  error: z
    .union([
      z.looseObject({ code: optStr, message: optStr, details: z.record(z.string(), z.unknown()).nullish() }),
      z.string(),
    ])
    .nullish(),
  updated_at: optStr,
  fiDataRangeFrom: optStr,
  fiDataRangeTo: optStr,
  configId: optStr,
});
export type BulkStatusRow = z.infer<typeof BulkStatusRow>;

export const BulkStatusData = z.looseObject({
  reference_id: optStr,
  batch_id: id.nullish(),
  batch_status: str,
  summary: z
    .looseObject({ total: count, ready: count, in_progress: count, completed: count, failed: count })
    .nullish(),
  metadata: z
    .looseObject({
      file_name: optStr,
      submitted_at: optStr,
      last_updated_at: optStr,
      progress_percentage: z.coerce.number().nullish(),
      global_config: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  pagination: z
    .looseObject({ page: count, limit: count, total: count, total_pages: count, has_next: z.boolean().nullish() })
    .nullish(),
  records: z.array(BulkStatusRow).nullish(),
});
export type BulkStatusData = z.infer<typeof BulkStatusData>;
export const BulkStatusResponse = z.looseObject({ data: BulkStatusData });

export const FiRequestResponse = z.looseObject({ data: z.looseObject({ consentId: optStr, sessionId: id }) });

export const FiStatusResponse = z.looseObject({
  data: z.looseObject({
    sessionId: id.nullish(),
    consentId: optStr,
    eventStatus: str,
    dataExpiry: optStr,
    linkRefNumbers: z.array(z.looseObject({ linkRefNumber: optStr, fiStatus: optStr })).nullish(),
  }),
});
export type FiStatusData = z.infer<typeof FiStatusResponse>['data'];

/** Parses an answer or throws a SystemError naming the endpoint and the first bad field. */
export function parseResponse<T>(schema: z.ZodType<T>, json: unknown, path: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SystemError(`FinPro ${path} answered with an unexpected shape: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown'}.`);
}
