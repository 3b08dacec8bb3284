import { fillRowIdentity } from '../fetch/fi-record-context.js';
import { defineStream } from './stream-definition.js';

/** One record per transaction of every FI type, amounts exact, the fields without a column in `extra`. */
export const fiTransactionsStream = defineStream({
  name: 'fi_transactions',
  primaryKey: [['session_id'], ['link_reference_number'], ['txn_id']],
  cursorField: ['fetched_at'],
});

/** One normalized transaction row (fi-normalize) made the record. */
export const fiTransactionRecord = fillRowIdentity;
