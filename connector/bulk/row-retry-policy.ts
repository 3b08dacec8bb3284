/**
 * What becomes of a FAILED row, by its retry eligibility (finpro-api.md): `Yes` is retried as
 * is up to `max_retries`; `YesWithModifications` (InvalidDateRange) is retried with its range
 * clamped to what the consent allows, when that leaves a non-empty range that differs from
 * the one that failed; `No`, and anything unknown, is final.
 */
export type Eligibility = 'Yes' | 'No' | 'YesWithModifications';
export const KNOWN_ELIGIBILITIES: readonly string[] = ['Yes', 'No', 'YesWithModifications'];

export interface FailedRow {
  eligibility: string | null | undefined;
  code: string | null | undefined;
  message: string | null | undefined;
  details?: Record<string, unknown> | null | undefined;
  from: string;
  to: string;
  /** 0 for the chunk's first batch, k for its k-th retry batch. */
  attempt: number;
}

export type RowDecision = { kind: 'retry'; from: string; to: string } | { kind: 'final' };

export function decideFailedRow(row: FailedRow, maxRetries: number, nowIso: string): RowDecision {
  switch (row.eligibility) {
    case 'Yes':
      return row.attempt < maxRetries ? { kind: 'retry', from: row.from, to: row.to } : { kind: 'final' };
    case 'YesWithModifications': {
      // One corrected retry is enough: a corrected range that fails again corrects to itself.
      if (row.attempt > maxRetries) return { kind: 'final' };
      const corrected = correctedRange(row, nowIso);
      if (corrected === null || (corrected.from === row.from && corrected.to === row.to)) return { kind: 'final' };
      return { kind: 'retry', ...corrected };
    }
    default:
      return { kind: 'final' };
  }
}

/**
 * The requested range clamped to the consent's range (from the error's `details`, or the
 * range its message names) and to now. Null when nothing valid is left.
 */
export function correctedRange(row: Pick<FailedRow, 'message' | 'details' | 'from' | 'to'>, nowIso: string): { from: string; to: string } | null {
  let allowedFrom: number | undefined;
  let allowedTo: number | undefined;
  const detailFrom = row.details?.['consentRangeFrom'];
  const detailTo = row.details?.['consentRangeTo'];
  if (typeof detailFrom === 'string' && !Number.isNaN(Date.parse(detailFrom))) allowedFrom = Date.parse(detailFrom);
  if (typeof detailTo === 'string' && !Number.isNaN(Date.parse(detailTo))) allowedTo = Date.parse(detailTo);
  if ((allowedFrom === undefined || allowedTo === undefined) && typeof row.message === 'string') {
    const match = /allowed range:?\s*([0-9][0-9T:.+\-Z]*[0-9Z])\s+to\s+([0-9][0-9T:.+\-Z]*[0-9Z])/i.exec(row.message);
    if (match) {
      const a = Date.parse(match[1]!);
      const b = Date.parse(match[2]!);
      if (!Number.isNaN(a)) allowedFrom ??= a;
      if (!Number.isNaN(b)) allowedTo ??= b;
    }
  }
  let from = Date.parse(row.from);
  let to = Math.min(Date.parse(row.to), Date.parse(nowIso));
  if (allowedFrom !== undefined) from = Math.max(from, allowedFrom);
  if (allowedTo !== undefined) to = Math.min(to, allowedTo);
  if (!(from < to)) return null;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
