import { amountOrNull } from '../fetch/decimal-text.js';
import { accountIdentity, objectOrNull, textOrNull, type FiRecordContext } from '../fetch/fi-record-context.js';
import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: summary and holders, normalized. */
export const fiAccountsStream = defineStream({
  name: 'fi_accounts',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});

/** Summary and holders of one account; `holder` may be one object or an array: always an array here. */
export function fiAccountRecord(account: Record<string, unknown>, link: string, ctx: FiRecordContext): Record<string, unknown> {
  const summary = objectOrNull(account['summary']);
  const holdersObject = objectOrNull(objectOrNull(account['profile'])?.['holders']);
  const holder = holdersObject?.['holder'];
  const holders = Array.isArray(holder)
    ? holder.filter((h): h is Record<string, unknown> => objectOrNull(h) !== null)
    : objectOrNull(holder) !== null
      ? [holder as Record<string, unknown>]
      : null;
  return {
    ...accountIdentity(account, link, ctx),
    bank: textOrNull(account['bank']),
    account_type: textOrNull(summary?.['type']),
    current_balance: amountOrNull(summary?.['currentBalance'], 'summary.currentBalance', ctx),
    currency: textOrNull(summary?.['currency']),
    balance_date_time: textOrNull(summary?.['balanceDateTime']),
    branch: textOrNull(summary?.['branch']),
    ifsc_code: textOrNull(summary?.['ifscCode']),
    opening_date: textOrNull(summary?.['openingDate']),
    account_status: textOrNull(summary?.['status']),
    holders_type: textOrNull(holdersObject?.['type']),
    holders,
    summary,
    fetched_at: ctx.fetchedAt,
  };
}
