import type { AccountInfo, ConsentInfo } from './consent-population.js';

/** What one FI type's generator knows while building an account's body. */
export interface FiBodyContext {
  seed: number;
  consent: ConsentInfo;
  account: AccountInfo;
}

/**
 * Where a type keeps its transactions under `Transactions`: the element list directly
 * (`Transaction`), or a named container of one (NPS: `Tier1SchemeTransactions/Tier1SchemeTransaction`).
 */
export interface TransactionList {
  container: string | null;
  element: string;
}

export const PLAIN_TRANSACTIONS: readonly TransactionList[] = [{ container: null, element: 'Transaction' }];

/**
 * One FI type's part of the generator, in FinPro's capitalised shape (ReBIT element names,
 * attributes as lower-camel keys, every value a string). Transactions follow the account's
 * balance chain: one per chain day, its size from the day's balance change.
 */
export interface FiBodyModel {
  lists: readonly TransactionList[];
  /** Index into `lists` and the transaction of one chain day. */
  transaction(day: number, second: number, delta: number, balance: number): readonly [number, Record<string, unknown>];
  /** The Summary element (holdings inside it) as of the range's end, and how many holdings it lists. */
  summary(closing: number, toMs: number): { summary: Record<string, unknown>; holdings: number };
  /** Elements of Profile besides Holders (insurance Riders). */
  profileExtras?(): Record<string, unknown>;
}
