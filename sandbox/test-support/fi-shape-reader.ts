/**
 * The transactions and holdings of an account as the sandbox serves it in the `finpro`
 * shape, for tests: every element list under `Transactions` (Transaction, NPS's
 * Tier1SchemeTransactions/Tier1SchemeTransaction...) and every Holding list under `Summary`.
 */
type Obj = Record<string, any>;

function listsEndingWith(node: unknown, suffix: string, out: Obj[]): Obj[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith(suffix) && Array.isArray(value)) out.push(...(value as Obj[]));
    else listsEndingWith(value, suffix, out);
  }
  return out;
}

export function transactionsOf(account: Obj): Obj[] {
  return listsEndingWith(account['Transactions'], 'Transaction', []);
}

export function holdingsOf(account: Obj): Obj[] {
  return listsEndingWith(account['Summary'], 'Holding', []);
}
