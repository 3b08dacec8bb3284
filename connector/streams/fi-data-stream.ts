import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: the raw account object as FinPro sent it. */
export const fiDataStream = defineStream({
  name: 'fi_data',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});
