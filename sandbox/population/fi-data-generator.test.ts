import { describe, expect, it } from 'vitest';
import { ConsentPopulation } from './consent-population.js';
import { generateAccountData } from './fi-data-generator.js';

const DAY = 86_400_000;
const ANCHOR = Date.UTC(2026, 10, 23);
const population = new ConsentPopulation(42, 2000, ANCHOR);

/** Exact paise from a decimal string or a JSON number, never through float arithmetic. */
function paise(value: unknown): bigint {
  const text = typeof value === 'number' ? String(value) : (value as string);
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
}

describe('fi-data-generator', () => {
  it('chains every currentBalance exactly (amount = difference, CREDIT up, DEBIT down)', () => {
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const consent = population.consent(i);
      for (const account of consent.accounts) {
        const { json } = generateAccountData(42, consent, account, ANCHOR - 400 * DAY, ANCHOR - DAY);
        const txns = json['transactions'] as Array<Record<string, unknown>>;
        for (let k = 1; k < txns.length; k++) {
          const prev = paise(txns[k - 1]!['currentBalance']);
          const cur = paise(txns[k]!['currentBalance']);
          const amount = paise(txns[k]!['amount']);
          // Plain comparison (not expect) per transaction keeps 10,000+ checks fast.
          if (cur - prev !== (txns[k]!['type'] === 'CREDIT' ? amount : -amount)) throw new Error(`chain broken at ${String(txns[k]!['txnId'])}`);
          checked++;
        }
        const summary = json['summary'] as Record<string, unknown>;
        if (txns.length > 0) expect(paise(summary['currentBalance'])).toBe(paise(txns.at(-1)!['currentBalance']));
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('returns identical transactions for overlapping ranges (clients de-duplicate on txnId)', () => {
    const consent = population.consent(population.count - 1);
    const account = consent.accounts[0]!;
    const year = generateAccountData(42, consent, account, ANCHOR - 365 * DAY, ANCHOR - DAY).json['transactions'] as any[];
    const lastHalf = generateAccountData(42, consent, account, ANCHOR - 180 * DAY, ANCHOR).json['transactions'] as any[];
    const byId = new Map(year.map((t) => [t.txnId, t]));
    const overlap = lastHalf.filter((t) => byId.has(t.txnId));
    expect(overlap.length).toBeGreaterThan(5);
    for (const t of overlap) expect(t).toEqual(byId.get(t.txnId));
    expect(new Set(year.map((t) => t.txnId)).size).toBe(year.length);
  });

  it('makes about one transaction a week per deposit account', () => {
    let deposits = 0;
    let txns = 0;
    for (let i = 0; i < 500; i++) {
      const consent = population.consent(i);
      for (const account of consent.accounts.filter((a) => a.fiType === 'DEPOSIT')) {
        deposits++;
        txns += generateAccountData(42, consent, account, ANCHOR - 365 * DAY, ANCHOR).transactionCount;
      }
    }
    expect(txns / deposits).toBeGreaterThan(45);
    expect(txns / deposits).toBeLessThan(65);
  });

  it('includes the provider quirks the contract names', () => {
    const accounts = Array.from({ length: 2000 }, (_, i) => population.consent(i)).flatMap((c) =>
      c.accounts.map((a) => generateAccountData(42, c, a, ANCHOR - 60 * DAY, ANCHOR).json),
    );
    expect(accounts.some((a) => 'linkRefNumber' in a)).toBe(true);
    expect(accounts.some((a) => 'linkedAccRef' in a)).toBe(true);
    expect(accounts.some((a) => typeof (a['summary'] as any).currentBalance === 'number')).toBe(true);
    expect(accounts.some((a) => !Array.isArray((a['profile'] as any).holders.holder))).toBe(true);
    const types = new Set(accounts.map((a) => a['fiType']));
    expect([...types].sort()).toEqual(['DEPOSIT', 'EQUITIES', 'MUTUAL_FUNDS', 'RECURRING_DEPOSIT', 'TERM_DEPOSIT']);
  });
});
