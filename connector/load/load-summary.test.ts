import { describe, expect, it } from 'vitest';
import { displayDecimal, formatSummary } from './load-summary.js';

describe('displayDecimal', () => {
  it('drops trailing zeros of a fixed-scale decimal, keeping every significant digit', () => {
    expect(displayDecimal('7139.9600000000')).toBe('7139.96');
    expect(displayDecimal('-12.0000000000')).toBe('-12');
    expect(displayDecimal('100.0000000001')).toBe('100.0000000001');
    expect(displayDecimal('100')).toBe('100');
  });

  it('leaves anything that is not decimal text alone', () => {
    expect(displayDecimal('2026-01')).toBe('2026-01');
    expect(displayDecimal(42)).toBe(42);
    expect(displayDecimal(null)).toBe(null);
  });
});

describe('formatSummary', () => {
  it('prints sample amounts without the storage scale padding', () => {
    const text = formatSummary({
      destination: 'duckdb:x',
      tables: [],
      failedConsents: [],
      byFiType: [],
      sample: [{ month: '2026-01', credits: '7139.9600000000', transaction_count: 3 }],
      sourceErrors: [],
      seconds: 1,
    });
    expect(text).toContain('7139.96');
    expect(text).not.toContain('7139.960');
  });

  it('counts accounts, transactions and holdings by fi_type', () => {
    const text = formatSummary({
      destination: 'duckdb:x',
      tables: [],
      failedConsents: [],
      byFiType: [
        { fi_type: 'DEPOSIT', accounts: 4, transactions: 120, holdings: 0 },
        { fi_type: 'EQUITIES', accounts: 1, transactions: 3, holdings: 2 },
      ],
      sample: undefined,
      sourceErrors: [],
      seconds: 1,
    });
    expect(text).toMatch(/by fi_type/);
    expect(text).toMatch(/DEPOSIT\s*\|?\s*4\s*\|?\s*120\s*\|?\s*0/);
    expect(text).toMatch(/EQUITIES\s*\|?\s*1\s*\|?\s*3\s*\|?\s*2/);
  });
});
