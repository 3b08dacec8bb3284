import { accountIdentity, type FiRecordContext } from '../fetch/fi-record-context.js';
import type { NormalizedFiAccount } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: the summary's common fields, holders, and the summary as sent. */
export const fiAccountsStream = defineStream({
  name: 'fi_accounts',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});

export function fiAccountRecord(account: Record<string, unknown>, normalized: NormalizedFiAccount, link: string, ctx: FiRecordContext): Record<string, unknown> {
  const bank = account['bank'];
  return {
    ...accountIdentity(normalized, link, ctx, account['fipId']),
    bank: typeof bank === 'string' ? bank : null,
    ...normalized.summaryColumns,
    holders_type: normalized.holdersType,
    holders: normalized.holders,
    summary: normalized.summary,
    fetched_at: ctx.fetchedAt,
  };
}
