import type { NormalizedFiAccount, Row } from '../fi-normalize/fi-account-normalizer.js';

/** What every fi_* record carries besides the account's own fields. */
export interface FiRecordContext {
  consentId: string;
  sessionId: string;
  /** ISO UTC: when the connector read the data (the fi_* cursor). */
  fetchedAt: string;
}

/** The keys and identifiers every account-level record (fi_data, fi_accounts) starts with. */
export function accountIdentity(account: NormalizedFiAccount, link: string, ctx: FiRecordContext, fipId: unknown): Record<string, unknown> {
  return {
    session_id: ctx.sessionId,
    consent_id: ctx.consentId,
    link_reference_number: link,
    fi_type: account.fiType,
    fip_id: typeof fipId === 'string' ? fipId : typeof fipId === 'number' ? String(fipId) : null,
    masked_account_number: account.maskedNumber,
  };
}

/**
 * A normalized row (a transaction or a holding) made a record: the row already holds every
 * key in record order, so the identity keys are filled in place (the hot path copies nothing).
 */
export function fillRowIdentity(row: Row, fiType: string | null, link: string, ctx: FiRecordContext): Row {
  row['session_id'] = ctx.sessionId;
  row['consent_id'] = ctx.consentId;
  row['link_reference_number'] = link;
  row['fi_type'] = fiType;
  row['fetched_at'] = ctx.fetchedAt;
  return row;
}
