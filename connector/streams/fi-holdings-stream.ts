import { fillRowIdentity } from '../fetch/fi-record-context.js';
import { defineStream } from './stream-definition.js';

/** One record per holding (equities, funds, bonds, NPS tiers...) of an account in an FI session. */
export const fiHoldingsStream = defineStream({
  name: 'fi_holdings',
  primaryKey: [['session_id'], ['link_reference_number'], ['holding_id']],
  cursorField: ['fetched_at'],
});

/** One normalized holding row (fi-normalize) made the record. */
export const fiHoldingRecord = fillRowIdentity;
