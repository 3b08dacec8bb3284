import { chainModelFor, txnDayAtOrBefore, txnSecondOfDay } from './balance-chain.js';
import type { AccountInfo, ConsentInfo } from './consent-population.js';
import { FIRST_NAMES, LAST_NAMES, MERCHANTS } from './fip-catalog.js';
import { paiseToDecimal, paiseToJsonNumber } from '../util/money-format.js';
import { hash32, hex8, pick } from '../util/seeded-hash.js';
import { DAY_MS, dayOf, iso, isoAtSecond, isoDate } from '../util/time-format.js';

const CREDIT_MODES = ['UPI', 'FT', 'CASH', 'OTHERS'] as const;
const DEBIT_MODES = ['UPI', 'CARD', 'ATM', 'FT'] as const;

export interface GeneratedAccount {
  /** The ReBIT-shaped account object, ready for JSON.stringify. */
  json: Record<string, unknown>;
  transactionCount: number;
}

/**
 * Builds the FI object of one account for transactions with timestamps in [fromMs, toMs].
 * Everything is recomputed from (seed, account, day), so nothing about transactions is ever
 * held in memory.
 */
export function generateAccountData(
  seed: number,
  consent: ConsentInfo,
  account: AccountInfo,
  fromMs: number,
  toMs: number,
): GeneratedAccount {
  const model = chainModelFor(seed, account);
  const key = account.key;
  const amount = account.numericAmounts ? paiseToJsonNumber : paiseToDecimal;
  const transactions: Record<string, unknown>[] = [];

  const firstDay = dayOf(fromMs);
  const lastDay = dayOf(toMs);
  const dayBefore = txnDayAtOrBefore(model, firstDay - 1);
  // Balance before the range: that of the previous transaction day (always within maxGapDays).
  const openingBalance = model.balanceAt(dayBefore ?? firstDay - 1);
  let prevBalance = openingBalance;
  let closing: number | undefined;
  for (let day = firstDay; day <= lastDay; day++) {
    if (!model.isTxnDay(day)) continue;
    const balance = model.balanceAt(day);
    const second = txnSecondOfDay(seed, key, day);
    const at = day * DAY_MS + second * 1000;
    const delta = balance - prevBalance;
    prevBalance = balance;
    if (at < fromMs || at > toMs) {
      if (at <= toMs) closing = balance;
      continue;
    }
    closing = balance;
    transactions.push(transaction(seed, account, day, isoAtSecond(day, second), delta, balance, amount));
  }
  // The closing balance is the last transaction at or before `toMs` (perhaps before the range).
  closing ??= openingBalance;

  const link = { [account.linkField]: account.linkReferenceNumber };
  return {
    transactionCount: transactions.length,
    json: {
      ...link,
      maskedAccountNumber: account.maskedAccountNumber,
      fiType: account.fiType,
      bank: account.fip.name,
      fipId: account.fip.fipId,
      profile: profile(seed, consent, account),
      summary: summary(seed, account, closing, toMs, amount),
      transactions,
    },
  };
}

function transaction(
  seed: number,
  account: AccountInfo,
  day: number,
  timestamp: string,
  delta: number,
  balance: number,
  amount: (paise: number) => string | number,
): Record<string, unknown> {
  const key = account.key;
  const h = hash32(seed, 0x7e11, key, day);
  const credit = delta >= 0;
  const modes = credit ? CREDIT_MODES : DEBIT_MODES;
  const mode = modes[h % modes.length] ?? 'OTHERS';
  const merchant = MERCHANTS[(h >>> 8) % MERCHANTS.length] ?? 'Payment';
  const reference = String(hash32(seed, 0x4ef, key, day)).padStart(10, '0');
  const txn: Record<string, unknown> = {
    txnId: `T${hex8(hash32(seed, 0x7a1d, key, day), true)}${hex8(hash32(seed, 0x7a1e, key, day), true)}`,
    type: credit ? 'CREDIT' : 'DEBIT',
    mode,
    amount: amount(Math.abs(delta)),
    currentBalance: amount(balance),
    transactionTimestamp: timestamp,
    valueDate: isoDate(day),
    narration: `${mode}/${credit ? 'CR' : 'DR'}/${merchant}/${reference.slice(-6)}`,
    reference,
  };
  if (account.fiType === 'MUTUAL_FUNDS' || account.fiType === 'EQUITIES') {
    txn['isin'] = `INE${String(h % 1_000_000).padStart(6, '0')}A01`;
  }
  return txn;
}

function profile(seed: number, consent: ConsentInfo, account: AccountInfo): Record<string, unknown> {
  // Holders belong to the consent's customer, so every account of a consent names the same person.
  const c = consent.index;
  const first = FIRST_NAMES[pick(FIRST_NAMES.length, seed, 0xf125, c)] ?? 'Asha';
  const last = LAST_NAMES[pick(LAST_NAMES.length, seed, 0x1a57, c)] ?? 'Kumar';
  const year = 1960 + pick(45, seed, 0xd0b, c);
  const holder = {
    name: `${first} ${last}`,
    dob: `${year}-${String(1 + pick(12, seed, 0xd0b1, c)).padStart(2, '0')}-${String(1 + pick(28, seed, 0xd0b2, c)).padStart(2, '0')}`,
    mobile: `9${String(hash32(seed, 0x30b, c) % 1_000_000_000).padStart(9, '0')}`,
    email: `${first}.${last}${c}@example.com`.toLowerCase(),
    pan: `${'ABCDE'[c % 5]}${'PQRST'[(c >> 3) % 5]}${'KLMNO'[(c >> 6) % 5]}P${last[0]}${String(hash32(seed, 0xa1, c) % 10000).padStart(4, '0')}${'XYZ'[c % 3]}`,
    nominee: pick(2, seed, 0x90e, account.key) === 0 ? 'REGISTERED' : 'NOT-REGISTERED',
    ckycCompliance: 'true',
  };
  return { holders: { type: 'SINGLE', holder: account.holderAsObject ? holder : [holder] } };
}

function summary(
  seed: number,
  account: AccountInfo,
  closing: number,
  toMs: number,
  amount: (paise: number) => string | number,
): Record<string, unknown> {
  const key = account.key;
  const openingDay = dayOf(Date.UTC(2012, 0, 1)) + pick(3000, seed, 0x09e, key);
  const common = {
    currentBalance: amount(closing),
    currency: 'INR',
    balanceDateTime: iso(toMs),
    branch: `${account.fip.name} Branch ${1 + pick(200, seed, 0xb4a, key)}`,
    ifscCode: `${account.fip.ifscPrefix}0${String(hash32(seed, 0x1f5, key) % 1_000_000).padStart(6, '0')}`,
    openingDate: isoDate(openingDay),
    status: 'ACTIVE',
  };
  switch (account.fiType) {
    case 'DEPOSIT':
      return { ...common, type: pick(5, seed, 0x7e9, key) === 0 ? 'CURRENT' : 'SAVINGS', pending: { amount: amount(0) } };
    case 'TERM_DEPOSIT':
      return { ...common, accountType: 'FIXED', interestRate: '7.00', tenureDays: '1095', maturityDate: isoDate(openingDay + 1095 * 4) };
    case 'RECURRING_DEPOSIT':
      return { ...common, accountType: 'RECURRING', interestRate: '6.50', recurringDepositDay: String(1 + pick(28, seed, 0x4dd, key)) };
    default:
      return { ...common, currentValue: amount(closing), investmentValue: amount(Math.floor(closing * 0.9)) };
  }
}
