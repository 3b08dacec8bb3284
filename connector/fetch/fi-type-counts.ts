/** Accounts, transactions and holdings by fiType: the read's closing LOG says them. */
export interface FiTypeCount {
  accounts: number;
  transactions: number;
  holdings: number;
}

export class FiTypeCounts {
  readonly byType = new Map<string, FiTypeCount>();

  count(fiType: string | null, transactions: number, holdings: number): void {
    const key = fiType ?? '(none)';
    let entry = this.byType.get(key);
    if (entry === undefined) this.byType.set(key, (entry = { accounts: 0, transactions: 0, holdings: 0 }));
    entry.accounts++;
    entry.transactions += transactions;
    entry.holdings += holdings;
  }

  add(other: FiTypeCounts): void {
    for (const [key, c] of other.byType) {
      let entry = this.byType.get(key);
      if (entry === undefined) this.byType.set(key, (entry = { accounts: 0, transactions: 0, holdings: 0 }));
      entry.accounts += c.accounts;
      entry.transactions += c.transactions;
      entry.holdings += c.holdings;
    }
  }

  /** `DEPOSIT 4 accounts, 120 transactions, 0 holdings; EQUITIES ...`, most accounts first. */
  describe(): string {
    if (this.byType.size === 0) return 'no FI accounts';
    return [...this.byType]
      .sort((a, b) => b[1].accounts - a[1].accounts || a[0].localeCompare(b[0]))
      .map(([type, c]) => `${type} ${c.accounts} accounts, ${c.transactions} transactions, ${c.holdings} holdings`)
      .join('; ');
  }
}
