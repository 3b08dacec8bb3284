import type { FiRecordContext } from '../fetch/fi-record-context.js';
import type { Row } from '../fi-normalize/fi-account-normalizer.js';
import { defineStream } from './stream-definition.js';

/** One record per holding (equities, funds, bonds, NPS tiers...) of an account in an FI session. */
export const fiHoldingsStream = defineStream({
  name: 'fi_holdings',
  primaryKey: [['session_id'], ['link_reference_number'], ['holding_id']],
  cursorField: ['fetched_at'],
});

/** One normalized holding row (fi-normalize) made the record, its keys filled in place. */
export function fiHoldingRecord(row: Row, fiType: string | null, link: string, ctx: FiRecordContext): Row {
  row['session_id'] = ctx.sessionId;
  row['consent_id'] = ctx.consentId;
  row['link_reference_number'] = link;
  row['fi_type'] = fiType;
  row['fetched_at'] = ctx.fetchedAt;
  return row;
}
