import type { AccountInfo } from './consent-population.js';
import { bigPick, hash32, pick, unit } from '../util/seeded-hash.js';

/**
 * The lazy, exact transaction model. Whether a day carries a transaction, and the account's
 * balance after it, are pure functions of (seed, account, day). A transaction's amount is
 * the difference from the previous transaction day's balance, so every `currentBalance`
 * chain adds up to the paisa and overlapping requests return identical transactions, in
 * O(1) per transaction with nothing stored.
 *
 * Each type forces a transaction at least every `maxGapDays`, so the previous transaction
 * day is always found by a bounded scan back.
 */
export interface ChainModel {
  maxGapDays: number;
  isTxnDay(day: number): boolean;
  /** Balance in integer paise after the transaction of a transaction day. */
  balanceAt(day: number): number;
}

const TAG_TXN = 0x7d;
const TAG_BAL = 0xba1;

export function chainModelFor(seed: number, account: AccountInfo): ChainModel {
  const key = account.key;
  const offset = pick(30, seed, 0x0ff5e7, key);
  switch (account.fiType) {
    case 'RECURRING_DEPOSIT': {
      // One installment a month; the balance is the installments paid since a fixed epoch.
      const installment = 100_000 + pick(90, seed, 0x1257, key) * 10_000;
      return {
        maxGapDays: 30,
        isTxnDay: (day) => (day + offset) % 30 === 0,
        balanceAt: (day) => installment * (Math.floor((day + offset) / 30) - 540),
      };
    }
    case 'TERM_DEPOSIT': {
      // Quarterly interest credited to a fixed principal.
      const principal = 10_000_000 + bigPick(490_000_000, seed, 0x7d0, key);
      const interest = Math.floor(principal * 0.0175);
      return {
        maxGapDays: 91,
        isTxnDay: (day) => (day + offset) % 91 === 0,
        balanceAt: (day) => principal + interest * (Math.floor((day + offset) / 91) - 180),
      };
    }
    default: {
      // DEPOSIT about weekly, investments about fortnightly, plus a forced monthly day.
      const chance = account.fiType === 'DEPOSIT' ? 1 / 8.5 : 1 / 20;
      const base = 500_000 + bigPick(50_000_000, seed, 0xba5e, key);
      return {
        maxGapDays: 30,
        isTxnDay: (day) => (day + offset) % 30 === 0 || unit(seed, TAG_TXN, key, day) < chance,
        balanceAt: (day) => base + bigPick(base, seed, TAG_BAL, key, day),
      };
    }
  }
}

/** The transaction day at or before `day`, or undefined (cannot happen within maxGapDays). */
export function txnDayAtOrBefore(model: ChainModel, day: number): number | undefined {
  for (let d = day; d >= day - model.maxGapDays; d--) if (model.isTxnDay(d)) return d;
  return undefined;
}

/** Second of the day of a transaction, fixed per (account, day). */
export function txnSecondOfDay(seed: number, key: number, day: number): number {
  return hash32(seed, 0x5ec, key, day) % 86_400;
}

/** The account's balance after its last transaction at or before `atMs` (integer paise). */
export function closingBalance(seed: number, account: AccountInfo, atMs: number): number {
  const model = chainModelFor(seed, account);
  const day = Math.floor(atMs / 86_400_000);
  let candidate = txnDayAtOrBefore(model, day);
  if (candidate === day && day * 86_400_000 + txnSecondOfDay(seed, account.key, day) * 1000 > atMs) {
    candidate = txnDayAtOrBefore(model, day - 1);
  }
  return model.balanceAt(candidate ?? day);
}
