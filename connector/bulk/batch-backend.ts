import type { BatchView as BatchRecordView } from '../streams/bulk-batches-stream.js';
import type { InFlightBatch, SingleSession } from '../state/stream-state.js';
import type { PlannedConsent } from './batch-planner.js';

/**
 * The port between the one watch (batch-watch.ts) and a request mode's FinPro endpoints
 * (bulk-backend.ts, single-backend.ts), after the Airbyte CDK's async-job repository: a
 * backend knows how to look at its batch and says what it saw in normalized terms; the watch
 * owns when to look, how long to wait, settling rows (harvest, records, checkpoint) and
 * building the bulk_batches / bulk_batch_rows records.
 */

/** One row that ended (COMPLETED or FAILED), as the watch settles it. */
export interface RowOutcome {
  /** The row's key in state (`done` ranges). */
  id: number;
  /** The row id as the bulk_batch_rows record shows it (null: FinPro sent none usable). */
  recordId: number | null;
  consentId: string;
  /** As FinPro sent it. */
  status: string;
  sessionId: string | null;
  retryEligible: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  from: string | null;
  to: string | null;
  configId: string | null;
  /** The row's failure is not retried (the record's is_final). */
  isFinal: boolean;
  /**
   * The failure is final for the sync already when the row settles (it goes into failed_at
   * now); false where the backend decides at the batch's end instead (bulk: a consent listed
   * twice may be retried in one row and final in the other).
   */
  failedNow: boolean;
  /** COMPLETED with a session: FI data to fetch. Absent: nothing to fetch (a failure, or a row without session). */
  harvest?: { sessionId: string; from?: string; to?: string };
  /** FinPro's time of the row, else the watch's now. */
  updatedAt: string | null;
}

/** The batch as a backend sees it, for its bulk_batches record. */
export type BatchSnapshot = Pick<BatchRecordView, 'total' | 'ready' | 'inProgress' | 'completed' | 'failed' | 'progressPercentage' | 'fileName' | 'submittedAt' | 'globalConfig'> & {
  status: string;
  /** FinPro's own time of the change, when it gives one (the record falls back to ours). */
  updatedAt: string | null;
};

/** What a look yields, in order: the watch handles each before the backend goes on. */
export type LookEvent =
  | { kind: 'batch'; snapshot: BatchSnapshot }
  /** Rows that ended. `sessions`: the single backend's sessions changed with them, saved in the same checkpoint. */
  | { kind: 'rows'; rows: readonly RowOutcome[]; sessions?: readonly SingleSession[] };

/** How a look ended. */
export type LookEnd =
  | { kind: 'dropped' }
  | { kind: 'running'; progressed: boolean; status: string }
  | { kind: 'ended'; retry: PlannedConsent[]; finalFailures: Record<string, string> };

/** What a backend may read of, and ask of, the watch during one look. */
export interface BatchView {
  readonly entry: InFlightBatch;
  /** Row ids settled (here or in an earlier run). */
  readonly done: ReadonlySet<number>;
  /** Saves the single backend's sessions durably (before a request that spends quota if repeated). */
  saveSessions(sessions: readonly SingleSession[]): Promise<void>;
}

export interface BatchBackend {
  readonly mode: 'bulk' | 'single';
  look(view: BatchView): AsyncGenerator<LookEvent, LookEnd, void>;
}
