import { defineStream } from './stream-definition.js';

/** One record per consent in a batch, each time the row changes. */
export const bulkBatchRowsStream = defineStream({
  name: 'bulk_batch_rows',
  primaryKey: [['batch_id'], ['consent_id']],
  cursorField: ['updated_at'],
});

export interface RowView {
  batchId: string;
  referenceId: string;
  consentId: string;
  rowId: number | null;
  requestMode: 'bulk' | 'single';
  status: string | null;
  retryEligible: string | null;
  sessionId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  from: string | null;
  to: string | null;
  configId: string | null;
  retryAttempt: number;
  isFinal: boolean | null;
  updatedAt: string;
}

export function bulkBatchRowRecord(view: RowView): Record<string, unknown> {
  return {
    batch_id: view.batchId,
    reference_id: view.referenceId,
    consent_id: view.consentId,
    row_id: view.rowId,
    request_mode: view.requestMode,
    row_status: view.status,
    retry_eligible: view.retryEligible,
    session_id: view.sessionId,
    error_code: view.errorCode,
    error_message: view.errorMessage,
    fi_data_range_from: view.from,
    fi_data_range_to: view.to,
    config_id: view.configId,
    retry_attempt: view.retryAttempt,
    is_final: view.isFinal,
    updated_at: view.updatedAt,
  };
}
