/**
 * The FI types the sandbox generates: every row of the contract's table that has its own
 * list layout (finpro-api.md, "FI data shape"). DEBENTURES and GOVT_SECURITIES share the
 * bonds generator, as their ReBIT schemas share the bonds layout.
 */
export const FI_TYPES = [
  'DEPOSIT',
  'TERM_DEPOSIT',
  'RECURRING_DEPOSIT',
  'MUTUAL_FUNDS',
  'EQUITIES',
  'ETF',
  'SIP',
  'BONDS',
  'DEBENTURES',
  'GOVT_SECURITIES',
  'NPS',
  'INSURANCE_POLICIES',
] as const;
export type FiType = (typeof FI_TYPES)[number];

export function isBankType(fiType: FiType): boolean {
  return fiType === 'DEPOSIT' || fiType === 'TERM_DEPOSIT' || fiType === 'RECURRING_DEPOSIT';
}

/**
 * The id that names an account of each FI type to its holder besides the link reference
 * number: ReBIT's Holder carries it (insurance's policy number sits in its Summary instead),
 * and FIPs that mask the account number per type call the masked field after it
 * (`maskedDematId`). Bank deposits have none.
 */
export const HOLDER_ACCOUNT_ID = {
  EQUITIES: 'dematId',
  ETF: 'dematId',
  BONDS: 'dematId',
  DEBENTURES: 'dematId',
  GOVT_SECURITIES: 'dematId',
  MUTUAL_FUNDS: 'folioNo',
  SIP: 'folioNo',
  NPS: 'pranId',
  INSURANCE_POLICIES: 'policyNumber',
} as const satisfies Partial<Record<FiType, string>>;
export type HolderAccountId = (typeof HOLDER_ACCOUNT_ID)[keyof typeof HOLDER_ACCOUNT_ID];

export function holderAccountIdOf(fiType: FiType): HolderAccountId | undefined {
  return (HOLDER_ACCOUNT_ID as Partial<Record<FiType, HolderAccountId>>)[fiType];
}
