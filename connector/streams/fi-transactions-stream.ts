import type { FiRecordContext } from '../fetch/fi-record-context.js';
import type { Row } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per transaction of every FI type, amounts exact, the fields without a column in `extra`. */
export const fiTransactionsStream = defineStream({
  name: 'fi_transactions',
  primaryKey: [['session_id'], ['link_reference_number'], ['txn_id']],
  cursorField: ['fetched_at'],
});

/**
 * One normalized transaction row (fi-normalize) made the record: the row already has every
 * key in record order, so its keys are filled in place (the hot path copies nothing).
 */
export function fiTransactionRecord(row: Row, fiType: string | null, link: string, ctx: FiRecordContext): Row {
  row['session_id'] = ctx.sessionId;
  row['consent_id'] = ctx.consentId;
  row['link_reference_number'] = link;
  row['fi_type'] = fiType;
  row['fetched_at'] = ctx.fetchedAt;
  return row;
}
