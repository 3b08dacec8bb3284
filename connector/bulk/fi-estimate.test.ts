import { describe, expect, it } from 'vitest';
import { estimateChanged, fiEstimate } from './fi-estimate.js';

describe('fiEstimate', () => {
  it('scales what the settled rows brought to the rows planned', () => {
    expect(fiEstimate({ accounts: 190, transactions: 8500, holdings: 30, settledConsents: 100, consentsPlanned: 10_000 })).toEqual({ fi_data: 19_000, fi_accounts: 19_000, fi_transactions: 850_000, fi_holdings: 3000 });
  });

  it('waits for enough rows, and says nothing for an unknown total', () => {
    expect(fiEstimate({ accounts: 4, transactions: 100, holdings: 0, settledConsents: 2, consentsPlanned: 10_000 })).toBeUndefined();
    expect(fiEstimate({ accounts: 400, transactions: 100, holdings: 0, settledConsents: 200, consentsPlanned: 0 })).toBeUndefined();
    // A sync of 5 rows estimates once all 5 settled.
    expect(fiEstimate({ accounts: 10, transactions: 50, holdings: 7, settledConsents: 5, consentsPlanned: 5 })).toEqual({ fi_data: 10, fi_accounts: 10, fi_transactions: 50, fi_holdings: 7 });
  });

  it('re-estimates only when a figure moves by more than 10%', () => {
    const a = { fi_data: 1000, fi_accounts: 1000, fi_transactions: 50_000, fi_holdings: 100 };
    expect(estimateChanged(undefined, a)).toBe(true);
    expect(estimateChanged(a, { ...a, fi_transactions: 54_000 })).toBe(false);
    expect(estimateChanged(a, { ...a, fi_transactions: 56_000 })).toBe(true);
  });
});
