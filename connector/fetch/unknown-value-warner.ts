/**
 * The FI data enums the contract names (finpro-api.md, "FI data shape"; fiType after ReBIT).
 * A value outside them is kept as sent (providers add values before the spec does), and
 * warned about once per field and value per sync: a Set lookup per value on the hot path,
 * never one WARN per record.
 */
export const KNOWN_FI_TYPES = new Set([
  'DEPOSIT', 'TERM_DEPOSIT', 'RECURRING_DEPOSIT', 'SIP', 'CP', 'GOVT_SECURITIES', 'EQUITIES', 'BONDS', 'DEBENTURES',
  'MUTUAL_FUNDS', 'ETF', 'IDR', 'CIS', 'AIF', 'INSURANCE_POLICIES', 'NPS', 'INVIT', 'REIT', 'GSTR1_3B', 'OTHER',
]);
export const KNOWN_TXN_TYPES = new Set(['CREDIT', 'DEBIT']);
export const KNOWN_TXN_MODES = new Set(['CASH', 'ATM', 'CARD', 'UPI', 'FT', 'OTHERS']);

/** Distinct unknown values warned about per sync; past it, one last WARN says so (a server inventing a value per record must not flood the log). */
const MAX_WARNED = 50;

export class UnknownValueWarner {
  private readonly seen = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  /** Warns the first time `value` of `field` is a string outside `known`; absent and known values cost one lookup. */
  check(field: string, value: unknown, known: ReadonlySet<string>): void {
    if (typeof value !== 'string' || known.has(value)) return;
    const key = `${field}\u0000${value}`;
    if (this.seen.has(key) || this.seen.size > MAX_WARNED) return;
    this.seen.add(key);
    if (this.seen.size > MAX_WARNED) {
      this.warn(`More than ${MAX_WARNED} distinct unknown values in FinPro FI data; further ones are kept as sent without a warning.`);
      return;
    }
    const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
    this.warn(`FinPro FI data has an unknown ${field} ${JSON.stringify(shown)} (not in ${[...known].join(', ')}); kept as sent.`);
  }
}
