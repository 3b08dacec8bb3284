import { textOrNull, type FiRecordContext } from '../fetch/fi-record-context.js';
import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: the raw account object as FinPro sent it. */
export const fiDataStream = defineStream({
  name: 'fi_data',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});

/** The raw account object, unchanged, under `data`; identifiers beside it for keys and joins. */
export function fiDataRecord(account: Record<string, unknown>, link: string, ctx: FiRecordContext): Record<string, unknown> {
  return {
    session_id: ctx.sessionId,
    consent_id: ctx.consentId,
    link_reference_number: link,
    fi_type: textOrNull(account['fiType']),
    fip_id: textOrNull(account['fipId']),
    masked_account_number: textOrNull(account['maskedAccountNumber']),
    data: account,
    fetched_at: ctx.fetchedAt,
  };
}
