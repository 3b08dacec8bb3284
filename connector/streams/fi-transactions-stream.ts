import { amountOrNull } from '../fetch/decimal-text.js';
import { textOrNull, type FiRecordContext } from '../fetch/fi-record-context.js';
import { defineStream } from './stream-definition.js';

/** One record per transaction, amounts as exact decimal strings. */
export const fiTransactionsStream = defineStream({
  name: 'fi_transactions',
  primaryKey: [['session_id'], ['link_reference_number'], ['txn_id']],
  cursorField: ['fetched_at'],
});

/**
 * One transaction. A transaction without `txnId` gets a stable stand-in from its position,
 * so it still has a primary key (the raw object stays in fi_data).
 */
export function fiTransactionRecord(txn: Record<string, unknown>, index: number, link: string, ctx: FiRecordContext): Record<string, unknown> {
  return {
    session_id: ctx.sessionId,
    consent_id: ctx.consentId,
    link_reference_number: link,
    txn_id: textOrNull(txn['txnId']) ?? `#${index}`,
    type: textOrNull(txn['type']),
    mode: textOrNull(txn['mode']),
    amount: amountOrNull(txn['amount'], 'transactions[].amount', ctx),
    current_balance: amountOrNull(txn['currentBalance'], 'transactions[].currentBalance', ctx),
    transaction_timestamp: textOrNull(txn['transactionTimestamp']),
    value_date: textOrNull(txn['valueDate']),
    narration: textOrNull(txn['narration']),
    reference: textOrNull(txn['reference']),
    fetched_at: ctx.fetchedAt,
  };
}
