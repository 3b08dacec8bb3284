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
