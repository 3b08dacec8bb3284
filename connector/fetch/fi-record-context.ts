/** What every fi_* record carries besides the account's own fields. */
export interface FiRecordContext {
  consentId: string;
  sessionId: string;
  /** ISO UTC: when the connector read the data (the fi_* cursor). */
  fetchedAt: string;
}

/** The account link reference, whichever spelling the provider used. */
export function linkReferenceOf(account: Record<string, unknown>): string | undefined {
  const value = account['linkReferenceNumber'] ?? account['linkRefNumber'] ?? account['linkedAccRef'];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function textOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function objectOrNull(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The keys and identifiers every account-level record (fi_data, fi_accounts) starts with. */
export function accountIdentity(account: Record<string, unknown>, link: string, ctx: FiRecordContext): Record<string, unknown> {
  return {
    session_id: ctx.sessionId,
    consent_id: ctx.consentId,
    link_reference_number: link,
    fi_type: textOrNull(account['fiType']),
    fip_id: textOrNull(account['fipId']),
    masked_account_number: textOrNull(account['maskedAccountNumber']),
  };
}
