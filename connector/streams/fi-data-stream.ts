import { accountIdentity, type FiRecordContext } from '../fetch/fi-record-context.js';
import type { NormalizedFiAccount } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: the raw account object as FinPro sent it. */
export const fiDataStream = defineStream({
  name: 'fi_data',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});

/** The raw account object, unchanged, under `data`; identifiers beside it for keys and joins. */
export function fiDataRecord(account: Record<string, unknown>, normalized: NormalizedFiAccount, link: string, ctx: FiRecordContext): Record<string, unknown> {
  return {
    ...accountIdentity(normalized, link, ctx, account['fipId']),
    data: account,
    fetched_at: ctx.fetchedAt,
  };
}
