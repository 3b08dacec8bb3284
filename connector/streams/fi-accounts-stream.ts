import { accountIdentity, type FiRecordContext } from '../fetch/fi-record-context.js';
import type { NormalizedFiAccount } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: the summary's common fields, holders, and the summary as sent. */
export const fiAccountsStream = defineStream({
  name: 'fi_accounts',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});

/**
 * Built by adding keys to the identity object rather than by spreading two objects into a
 * literal: V8 copies only a leading spread fast, and the second one made this record ~10x
 * slower to build (55 -> 5 us an account, ~85 ms per 100,000 transactions of a sandbox read).
 * Key order, and so the JSON, is the same.
 */
export function fiAccountRecord(account: Record<string, unknown>, normalized: NormalizedFiAccount, link: string, ctx: FiRecordContext): Record<string, unknown> {
  const bank = account['bank'];
  const record = accountIdentity(normalized, link, ctx, account['fipId']);
  record['bank'] = typeof bank === 'string' ? bank : null;
  const summary = normalized.summaryColumns;
  for (const key in summary) record[key] = summary[key];
  record['holders_type'] = normalized.holdersType;
  record['holders'] = normalized.holders;
  record['summary'] = normalized.summary;
  record['fetched_at'] = ctx.fetchedAt;
  return record;
}
