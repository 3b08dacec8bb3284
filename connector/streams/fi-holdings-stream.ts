import type { FiRecordContext } from '../fetch/fi-record-context.js';
import type { Row } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per holding (equities, funds, bonds, NPS tiers...) of an account in an FI session. */
export const fiHoldingsStream = defineStream({
  name: 'fi_holdings',
  primaryKey: [['session_id'], ['link_reference_number'], ['holding_id']],
  cursorField: ['fetched_at'],
});

/** One normalized holding row (fi-normalize) with the keys of its session and account. */
export function fiHoldingRecord(row: Row, fiType: string | null, link: string, ctx: FiRecordContext): Record<string, unknown> {
  return {
    session_id: ctx.sessionId,
    consent_id: ctx.consentId,
    link_reference_number: link,
    fi_type: fiType,
    ...row,
    fetched_at: ctx.fetchedAt,
  };
}
