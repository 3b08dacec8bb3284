import { defineStream } from './stream-definition.js';

/** One record per consent in a batch, each time the row changes. */
export const bulkBatchRowsStream = defineStream({
  name: 'bulk_batch_rows',
  primaryKey: [['batch_id'], ['consent_id']],
  cursorField: ['updated_at'],
});
