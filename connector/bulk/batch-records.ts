import type { InFlightBatch } from '../state/stream-state.js';
import { bulkBatchRecord } from '../streams/bulk-batches-stream.js';
import { bulkBatchRowRecord } from '../streams/bulk-batch-rows-stream.js';
import type { BatchSnapshot, RowOutcome } from './batch-backend.js';

/**
 * The one projection of a watched batch into bulk_batches and bulk_batch_rows records: what
 * the state entry says (ids, mode, attempt) joined with what the backend saw. `nowIso` stands
 * in for FinPro's time when it sent none.
 */
export function batchRecord(entry: InFlightBatch, parentReferenceId: string | null, snapshot: BatchSnapshot, nowIso: string): { data: Record<string, unknown>; cursor: string } {
  const updatedAt = snapshot.updatedAt ?? nowIso;
  // The snapshot holds FinPro's fields of the record; the state entry names the batch.
  const data = bulkBatchRecord({
    ...snapshot,
    batchId: entry.batch_id,
    referenceId: entry.ref,
    requestMode: entry.mode,
    submissionMode: entry.submission,
    parentReferenceId,
    retryAttempt: entry.attempt,
    updatedAt,
  });
  return { data, cursor: updatedAt };
}

/** `harvestError`: the row was COMPLETED but its FI data could not be read (the error replaces FinPro's). */
export function rowRecord(entry: InFlightBatch, row: RowOutcome, harvestError: { code: string; message: string } | null, nowIso: string): { data: Record<string, unknown>; cursor: string } {
  const updatedAt = row.updatedAt ?? nowIso;
  const data = bulkBatchRowRecord({
    batchId: entry.batch_id,
    referenceId: entry.ref,
    consentId: row.consentId,
    rowId: row.recordId,
    requestMode: entry.mode,
    status: row.status,
    retryEligible: row.retryEligible,
    sessionId: row.sessionId,
    errorCode: harvestError?.code ?? row.errorCode,
    errorMessage: harvestError?.message ?? row.errorMessage,
    from: row.from,
    to: row.to,
    configId: row.configId,
    retryAttempt: entry.attempt,
    isFinal: row.isFinal,
    updatedAt,
  });
  return { data, cursor: updatedAt };
}

/** What tells two snapshots apart for the record (an unchanged batch is not emitted again). */
export function snapshotSignature(s: BatchSnapshot): string {
  return `${s.status}|${s.total}|${s.ready}|${s.inProgress}|${s.completed}|${s.failed}`;
}
