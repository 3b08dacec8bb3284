import type { RetryEligibility } from '../population/consent-scenario.js';

export type RowStatus = 'READY' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
export const ROW_STATUSES: readonly RowStatus[] = ['READY', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];
export type BatchStatus = 'READY' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface RowError {
  code: string;
  message: string;
  details?: Record<string, string>;
}

/**
 * A row's whole future is fixed when the batch is scheduled (outcome, start and end times);
 * its status at any moment is read off the clock, so no timers run per row.
 */
export interface BatchRow {
  id: number;
  consentId: string;
  consentIndex: number | undefined;
  fiDataRangeFrom: string | null;
  fiDataRangeTo: string | null;
  configId: string | null;
  startAt: number;
  /** Equal to startAt for rows that fail without a session (READY -> FAILED). */
  endAt: number;
  sessionId: string | null;
  /** The effective range of the session, for include_balances. */
  toMs: number;
  error: RowError | null;
  eligibility: RetryEligibility | null;
}

export interface GlobalConfig {
  fiDataRangeFrom: string | null;
  fiDataRangeTo: string | null;
  configId: string | null;
}

export interface Batch {
  id: string;
  referenceId: string;
  submittedAt: number;
  fileName: string | null;
  globalConfig: GlobalConfig;
  rows: BatchRow[];
  /** Batch-level failure (unparseable upload); such a batch has no rows. */
  failure: RowError | null;
}

export interface RowState {
  status: RowStatus;
  updatedAt: number;
}

export function rowStateAt(row: BatchRow, submittedAt: number, now: number): RowState {
  if (now < row.startAt) return { status: 'READY', updatedAt: submittedAt };
  if (now < row.endAt) return { status: 'IN_PROGRESS', updatedAt: row.startAt };
  return { status: row.error ? 'FAILED' : 'COMPLETED', updatedAt: row.endAt };
}
