import type { RowInput } from './batch-timeline-builder.js';
import type { GlobalConfig } from './batch-model.js';
import { HttpError, invalid } from '../http/http-io.js';
import { optionalInstant, optionalString, REFERENCE_ID_PATTERN } from '../http/request-fields.js';
import { iso } from '../util/time-format.js';

export const MAX_BATCH_ROWS = 10_000;

export function checkReferenceId(referenceId: string): void {
  if (!REFERENCE_ID_PATTERN.test(referenceId)) {
    throw new HttpError(400, 'InvalidReferenceId', 'reference_id must be 5-60 characters of A-Z, a-z, 0-9, _ and -.');
  }
}

/** The top-level defaults (fiDataRangeFrom/To, configId) of a JSON schedule or an upload's global_config. */
export function readDefaults(obj: Record<string, unknown>, prefix = ''): { fromMs?: number; toMs?: number; configId?: string; echo: GlobalConfig } {
  const fromMs = optionalInstant(obj, 'fiDataRangeFrom', `${prefix}fiDataRangeFrom`);
  const toMs = optionalInstant(obj, 'fiDataRangeTo', `${prefix}fiDataRangeTo`);
  const configId = optionalString(obj, 'configId', `${prefix}configId`);
  return {
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined ? {} : { toMs }),
    ...(configId === undefined ? {} : { configId }),
    echo: {
      fiDataRangeFrom: fromMs === undefined ? null : iso(fromMs),
      fiDataRangeTo: toMs === undefined ? null : iso(toMs),
      configId: configId ?? null,
    },
  };
}

/** One row: its own values override the defaults. */
export function rowInput(
  row: Record<string, unknown>,
  consentKey: string,
  path: string,
  defaults: { fromMs?: number; toMs?: number; configId?: string },
): RowInput {
  const consentId = optionalString(row, consentKey, `${path}.${consentKey}`);
  if (!consentId || consentId.trim() === '') throw invalid(`${path}.${consentKey}`, 'is required');
  const fromMs = optionalInstant(row, 'fiDataRangeFrom', `${path}.fiDataRangeFrom`) ?? defaults.fromMs;
  const toMs = optionalInstant(row, 'fiDataRangeTo', `${path}.fiDataRangeTo`) ?? defaults.toMs;
  const configId = optionalString(row, 'configId', `${path}.configId`) || defaults.configId || null;
  return { consentId: consentId.trim(), fromMs, toMs, configId };
}
