import { defineStream } from './stream-definition.js';

/** One record per transaction, amounts as exact decimal strings. */
export const fiTransactionsStream = defineStream({
  name: 'fi_transactions',
  primaryKey: [['session_id'], ['link_reference_number'], ['txn_id']],
  cursorField: ['fetched_at'],
});
