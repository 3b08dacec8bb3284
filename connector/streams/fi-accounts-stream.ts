import { defineStream } from './stream-definition.js';

/** One record per account in an FI session: summary and holders, normalized. */
export const fiAccountsStream = defineStream({
  name: 'fi_accounts',
  primaryKey: [['session_id'], ['link_reference_number']],
  cursorField: ['fetched_at'],
});
