import type { FiRecordContext } from '../fetch/fi-record-context.js';
import type { Row } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per transaction of every FI type, amounts exact, the fields without a column in `extra`. */
export const fiTransactionsStream = defineStream({
  name: 'fi_transactions',
  primaryKey: [['session_id'], ['link_reference_number'], ['txn_id']],
  cursorField: ['fetched_at'],
});

/** One normalized transaction row (fi-normalize) with the keys of its session and account. */
export function fiTransactionRecord(row: Row, fiType: string | null, link: string, ctx: FiRecordContext): Record<string, unknown> {
  return {
    session_id: ctx.sessionId,
    consent_id: ctx.consentId,
    link_reference_number: link,
    fi_type: fiType,
    ...row,
    fetched_at: ctx.fetchedAt,
  };
}
