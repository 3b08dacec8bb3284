import { chainModelFor } from './balance-chain.js';
import { PLAIN_TRANSACTIONS, type FiBodyContext, type FiBodyModel } from './fi-body-types.js';
import { MERCHANTS } from './fip-catalog.js';
import { scaledToDecimal } from '../util/decimal-format.js';
import { paiseToDecimal } from '../util/money-format.js';
import { hash32, hex8, pick } from '../util/seeded-hash.js';
import { dayOf, iso, isoAtSecond, isoDate } from '../util/time-format.js';

const CREDIT_MODES = ['UPI', 'FT', 'CASH', 'OTHERS'] as const;
const DEBIT_MODES = ['UPI', 'CARD', 'ATM', 'FT'] as const;

/** Every FI type's transactions share these ids, so one chain day is one id whatever the type. */
export function txnIdOf(seed: number, key: number, day: number): string {
  return `T${hex8(hash32(seed, 0x7a1d, key, day), true)}${hex8(hash32(seed, 0x7a1e, key, day), true)}`;
}

export function referenceOf(seed: number, key: number, day: number): string {
  return String(hash32(seed, 0x4ef, key, day)).padStart(10, '0');
}

function branchOf(ctx: FiBodyContext): string {
  return `${ctx.account.fip.name} Branch ${1 + pick(200, ctx.seed, 0xb4a, ctx.account.key)}`;
}

function ifscOf(ctx: FiBodyContext): string {
  return `${ctx.account.fip.ifscPrefix}0${String(hash32(ctx.seed, 0x1f5, ctx.account.key) % 1_000_000).padStart(6, '0')}`;
}

function openingDayOf(ctx: FiBodyContext): number {
  return dayOf(Date.UTC(2012, 0, 1)) + pick(3000, ctx.seed, 0x09e, ctx.account.key);
}

/** A savings or current account (ReBIT deposit): CREDIT/DEBIT with the balance after each. */
export function depositModel(ctx: FiBodyContext): FiBodyModel {
  const { seed, account } = ctx;
  const key = account.key;
  const current = pick(5, seed, 0x7e9, key) === 0;
  return {
    lists: PLAIN_TRANSACTIONS,
    transaction(day, second, delta, balance) {
      const h = hash32(seed, 0x7e11, key, day);
      const credit = delta >= 0;
      const modes = credit ? CREDIT_MODES : DEBIT_MODES;
      const mode = modes[h % modes.length] ?? 'OTHERS';
      const merchant = MERCHANTS[(h >>> 8) % MERCHANTS.length] ?? 'Payment';
      const reference = referenceOf(seed, key, day);
      return [
        0,
        {
          txnId: txnIdOf(seed, key, day),
          type: credit ? 'CREDIT' : 'DEBIT',
          mode,
          amount: paiseToDecimal(Math.abs(delta)),
          currentBalance: paiseToDecimal(balance),
          transactionTimestamp: isoAtSecond(day, second),
          valueDate: isoDate(day),
          narration: `${mode}/${credit ? 'CR' : 'DR'}/${merchant}/${reference.slice(-6)}`,
          reference,
        },
      ];
    },
    summary(closing, toMs) {
      // One account in eight has a payment pending (ReBIT's Pending list; empty otherwise).
      const pending =
        pick(8, seed, 0x9e1d, key) === 0
          ? [{ transactionType: 'DEBIT', amount: paiseToDecimal(10_000 + pick(500_000, seed, 0x9e1e, key)) }]
          : [];
      const odLimit = current ? 10_000_000 + pick(90, seed, 0x0d1, key) * 1_000_000 : 0;
      return {
        holdings: 0,
        summary: {
          currentBalance: paiseToDecimal(closing),
          currency: 'INR',
          exchgeRate: '',
          balanceDateTime: iso(toMs),
          type: current ? 'CURRENT' : 'SAVINGS',
          branch: branchOf(ctx),
          facility: current ? 'OD' : '',
          ifscCode: ifscOf(ctx),
          micrCode: current ? String(100_000_000 + (hash32(seed, 0x41c, key) % 900_000_000)) : '',
          openingDate: isoDate(openingDayOf(ctx)),
          currentODLimit: paiseToDecimal(odLimit),
          drawingLimit: paiseToDecimal(Math.max(0, closing) + odLimit),
          status: 'ACTIVE',
          Pending: pending,
        },
      };
    },
  };
}

/**
 * Term and recurring deposits (ReBIT term_deposit / recurring_deposit): quarterly INTEREST
 * credits or monthly INSTALLMENTs, with `balance` and `transactionDateTime` as ReBIT names them.
 */
export function termDepositModel(ctx: FiBodyContext): FiBodyModel {
  const { seed, account } = ctx;
  const key = account.key;
  const recurring = account.fiType === 'RECURRING_DEPOSIT';
  const chain = chainModelFor(seed, account);
  const openingDay = openingDayOf(ctx) + 2000; // 2017-2025: a deposit still running today
  const tenureYears = recurring ? 5 : 3 + pick(8, seed, 0x7e40, key);
  const maturityDay = openingDay + tenureYears * 365;
  const principal = chain.balanceAt(openingDay);
  const installment = recurring ? Math.abs(chain.balanceAt(openingDay + 30) - chain.balanceAt(openingDay)) : 0;
  const rateBps = recurring ? 650 : 700;
  return {
    lists: PLAIN_TRANSACTIONS,
    transaction(day, second, delta, balance) {
      const credit = delta >= 0;
      const type = recurring ? (credit ? 'INSTALLMENT' : 'DEBIT') : credit ? 'INTEREST' : 'TDS';
      return [
        0,
        {
          txnId: txnIdOf(seed, key, day),
          amount: paiseToDecimal(Math.abs(delta)),
          narration: recurring ? `RD INSTALLMENT ${isoDate(day).slice(0, 7)}` : `INT.PD ${isoDate(day)}`,
          type,
          mode: recurring ? 'FT' : 'OTHERS',
          balance: paiseToDecimal(balance),
          transactionDateTime: isoAtSecond(day, second),
          valueDate: isoDate(day),
          reference: referenceOf(seed, key, day),
        },
      ];
    },
    summary(closing) {
      const maturityAmount = recurring
        ? installment * tenureYears * 12 + Math.floor((installment * tenureYears * 12 * rateBps * tenureYears) / 20_000)
        : principal + Math.floor((principal * rateBps * tenureYears) / 10_000);
      return {
        holdings: 0,
        summary: {
          openingDate: isoDate(openingDay),
          accountType: recurring ? 'RECURRING' : 'FIXED',
          branch: branchOf(ctx),
          ifsc: ifscOf(ctx),
          maturityAmount: paiseToDecimal(maturityAmount),
          maturityDate: isoDate(maturityDay),
          description: recurring ? 'Recurring deposit' : 'Fixed deposit',
          interestPayout: recurring ? 'ON_MATURITY' : 'QUARTERLY',
          interestRate: scaledToDecimal(rateBps, 2),
          principalAmount: paiseToDecimal(recurring ? installment : principal),
          tenureDays: '',
          tenureMonths: String(tenureYears * 12),
          tenureYears: String(tenureYears),
          ...(recurring ? { recurringAmount: paiseToDecimal(installment), recurringDepositDay: String(1 + pick(28, seed, 0x4dd, key)) } : {}),
          interestComputation: recurring ? 'COMPOUND' : 'SIMPLE',
          compoundingFrequency: 'QUARTERLY',
          interestPeriodicPayoutAmount: recurring ? '' : paiseToDecimal(Math.floor((principal * rateBps) / 40_000)),
          interestOnMaturity: '',
          currentValue: paiseToDecimal(closing),
          currency: 'INR',
        },
      };
    },
  };
}
