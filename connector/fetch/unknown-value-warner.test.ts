import { describe, expect, it } from 'vitest';
import { KNOWN_TXN_MODES, KNOWN_TXN_TYPES, UnknownValueWarner } from './unknown-value-warner.js';

describe('UnknownValueWarner', () => {
  it('warns once per field and unknown value, never for known or absent ones', () => {
    const warnings: string[] = [];
    const warner = new UnknownValueWarner((m) => warnings.push(m));
    for (let i = 0; i < 1000; i++) {
      warner.check('transaction type', i % 2 ? 'CREDIT' : 'REVERSAL', KNOWN_TXN_TYPES);
      warner.check('transaction mode', i % 3 ? 'UPI' : 'NEFT', KNOWN_TXN_MODES);
      warner.check('transaction mode', undefined, KNOWN_TXN_MODES);
    }
    warner.check('transaction type', 'NEFT', KNOWN_TXN_TYPES);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/transaction type "REVERSAL".*kept as sent/);
    expect(warnings[1]).toMatch(/transaction mode "NEFT"/);
    expect(warnings[2]).toMatch(/transaction type "NEFT"/);
  });

  it('warns once per (fiType, unmapped path), naming both', () => {
    const warnings: string[] = [];
    const warner = new UnknownValueWarner((m) => warnings.push(m));
    for (let i = 0; i < 100; i++) {
      warner.unmapped('DEPOSIT', 'Summary.Loans');
      warner.unmapped('EQUITIES', 'Summary.Loans');
      warner.unmapped('CRYPTO', 'fiType');
    }
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/fiType "DEPOSIT" has Summary\.Loans.*kept in fi_data/);
    expect(warnings[1]).toMatch(/fiType "EQUITIES" has Summary\.Loans/);
    expect(warnings[2]).toMatch(/fiType "CRYPTO".*no layout.*generic.*fi_data/);
  });

  it('stops after a bounded number of distinct warnings of either kind, saying so once', () => {
    const warnings: string[] = [];
    const warner = new UnknownValueWarner((m) => warnings.push(m));
    for (let i = 0; i < 5_000; i++) {
      warner.check('transaction mode', `M${i}`, KNOWN_TXN_MODES);
      warner.unmapped('DEPOSIT', `Summary.P${i}`);
    }
    expect(warnings).toHaveLength(51);
    expect(warnings.at(-1)).toMatch(/More than 50 distinct/);
  });
});
