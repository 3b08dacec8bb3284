import { defineStream } from './stream-definition.js';

/** One record per bulk batch, each time its status or counts change. */
export const bulkBatchesStream = defineStream({
  name: 'bulk_batches',
  primaryKey: [['batch_id']],
  cursorField: ['updated_at'],
});
