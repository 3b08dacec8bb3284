import { defineStream } from './stream-definition.js';

/** One record per bulk batch, each time its status or counts change. */
export const bulkBatchesStream = defineStream({
  name: 'bulk_batches',
  primaryKey: [['batch_id']],
  cursorField: ['updated_at'],
});

export interface BatchView {
  batchId: string;
  referenceId: string;
  requestMode: 'bulk' | 'single';
  submissionMode: 'json' | 'file' | null;
  status: string | null;
  total: number | null;
  ready: number | null;
  inProgress: number | null;
  completed: number | null;
  failed: number | null;
  progressPercentage: number | null;
  fileName: string | null;
  submittedAt: string | null;
  parentReferenceId: string | null;
  retryAttempt: number;
  globalConfig: Record<string, unknown> | null;
  updatedAt: string;
}

export function bulkBatchRecord(view: BatchView): Record<string, unknown> {
  return {
    batch_id: view.batchId,
    reference_id: view.referenceId,
    request_mode: view.requestMode,
    submission_mode: view.submissionMode,
    batch_status: view.status,
    total: view.total,
    ready: view.ready,
    in_progress: view.inProgress,
    completed: view.completed,
    failed: view.failed,
    progress_percentage: view.progressPercentage,
    file_name: view.fileName,
    submitted_at: view.submittedAt,
    parent_reference_id: view.parentReferenceId,
    retry_attempt: view.retryAttempt,
    global_config: view.globalConfig,
    updated_at: view.updatedAt,
  };
}
