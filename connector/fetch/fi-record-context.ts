import type { NormalizedFiAccount } from '../fi-normalize/fi-account-normalizer.js';

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
