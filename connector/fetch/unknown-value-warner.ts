/**
 * What FI data holds that the connector does not know: enum values outside the contract's
 * (kept as sent; providers add values before the spec does) and parts of a body the
 * normalizer has no mapping for (kept in fi_data). Each is warned about once per sync, per
 * field and value or per fiType and path, a Set lookup on the hot path, never one WARN per
 * record; the cap on distinct warnings lives here only.
 */
export const KNOWN_TXN_TYPES = new Set(['CREDIT', 'DEBIT']);
export const KNOWN_TXN_MODES = new Set(['CASH', 'ATM', 'CARD', 'UPI', 'FT', 'OTHERS']);

/** Distinct warnings per sync; past it, one last WARN says so (a server inventing a value per record must not flood the log). */
const MAX_WARNED = 50;

export class UnknownValueWarner {
  private readonly seen = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  /** Warns the first time `value` of `field` is a string outside `known`; absent and known values cost one lookup. */
  check(field: string, value: unknown, known: ReadonlySet<string>): void {
    if (typeof value !== 'string' || known.has(value)) return;
    const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
    this.once(`${field}\u0000${value}`, () => `FinPro FI data has an unknown ${field} ${JSON.stringify(shown)} (not in ${[...known].join(', ')}); kept as sent.`);
  }

  /** Warns the first time an account of `fiType` has `path` unmapped (normalizer's `unmapped`). */
  unmapped(fiType: string | null, path: string): void {
    this.once(`unmapped\u0000${fiType}\u0000${path}`, () => {
      const type = fiType === null ? 'without an fiType' : `of fiType ${JSON.stringify(fiType.length > 80 ? `${fiType.slice(0, 80)}...` : fiType)}`;
      return path.startsWith('fiType')
        ? `FinPro FI data has an account ${type}, which the connector has no layout for: read with the generic layout (Transactions.Transaction, Summary holdings); the account is kept whole in fi_data.`
        : `FinPro FI data ${type} has ${path}, which the connector does not map to a stream column; kept in fi_data (and in extra where it belongs to a row).`;
    });
  }

  private once(key: string, message: () => string): void {
    if (this.seen.has(key) || this.seen.size > MAX_WARNED) return;
    this.seen.add(key);
    if (this.seen.size > MAX_WARNED) {
      this.warn(`More than ${MAX_WARNED} distinct unknown values or unmapped parts in FinPro FI data; further ones are kept as sent without a warning.`);
      return;
    }
    this.warn(message());
  }
}
