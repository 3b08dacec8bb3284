import { chainModelFor, txnDayAtOrBefore, txnSecondOfDay } from './balance-chain.js';
import type { AccountInfo, ConsentInfo } from './consent-population.js';
import { bondModel } from './fi-body-bonds.js';
import { depositModel, termDepositModel } from './fi-body-deposit.js';
import { insuranceModel } from './fi-body-insurance.js';
import { investmentModel } from './fi-body-investment.js';
import { npsModel } from './fi-body-nps.js';
import type { FiBodyContext, FiBodyModel } from './fi-body-types.js';
import { profileOf } from './fi-profile.js';
import { reshapeAccount, type FiShape } from './fi-shape.js';
import { DAY_MS, dayOf, isoDate } from '../util/time-format.js';

export interface GeneratedAccount {
  /** The account object of a /getallfidata answer, ready for JSON.stringify. */
  json: Record<string, unknown>;
  transactionCount: number;
  holdingCount: number;
}

function bodyModelFor(ctx: FiBodyContext): FiBodyModel {
  switch (ctx.account.fiType) {
    case 'DEPOSIT':
      return depositModel(ctx);
    case 'TERM_DEPOSIT':
    case 'RECURRING_DEPOSIT':
      return termDepositModel(ctx);
    case 'MUTUAL_FUNDS':
    case 'EQUITIES':
    case 'ETF':
    case 'SIP':
      return investmentModel(ctx);
    case 'BONDS':
    case 'DEBENTURES':
    case 'GOVT_SECURITIES':
      return bondModel(ctx);
    case 'NPS':
      return npsModel(ctx);
    case 'INSURANCE_POLICIES':
      return insuranceModel(ctx);
  }
}

/**
 * Builds the FI object of one account for transactions with timestamps in [fromMs, toMs]:
 * FinPro's wrapper keys around the ReBIT body of the account's type, in FinPro's
 * capitalised shape, then respelled when `shape` asks for another spelling. Everything is
 * recomputed from (seed, account, day), so nothing about transactions is held in memory.
 */
export function generateAccountData(
  seed: number,
  consent: ConsentInfo,
  account: AccountInfo,
  fromMs: number,
  toMs: number,
  shape: FiShape = 'finpro',
): GeneratedAccount {
  const chain = chainModelFor(seed, account);
  const key = account.key;
  const ctx: FiBodyContext = { seed, consent, account };
  const body = bodyModelFor(ctx);
  const lists: Record<string, unknown>[][] = body.lists.map(() => []);
  let transactionCount = 0;

  const firstDay = dayOf(fromMs);
  const lastDay = dayOf(toMs);
  const dayBefore = txnDayAtOrBefore(chain, firstDay - 1);
  // Balance before the range: that of the previous transaction day (always within maxGapDays).
  const openingBalance = chain.balanceAt(dayBefore ?? firstDay - 1);
  let prevBalance = openingBalance;
  let closing: number | undefined;
  for (let day = firstDay; day <= lastDay; day++) {
    if (!chain.isTxnDay(day)) continue;
    const balance = chain.balanceAt(day);
    const second = txnSecondOfDay(seed, key, day);
    const at = day * DAY_MS + second * 1000;
    const delta = balance - prevBalance;
    prevBalance = balance;
    if (at < fromMs || at > toMs) {
      if (at <= toMs) closing = balance;
      continue;
    }
    closing = balance;
    const [list, txn] = body.transaction(day, second, delta, balance);
    lists[list]!.push(txn);
    transactionCount++;
  }
  // The closing balance is the last transaction at or before `toMs` (perhaps before the range).
  closing ??= openingBalance;

  const transactions: Record<string, unknown> = { startDate: isoDate(firstDay), endDate: isoDate(lastDay) };
  body.lists.forEach((l, i) => {
    if (l.container === null) transactions[l.element] = lists[i];
    else transactions[l.container] = { [l.element]: lists[i] };
  });
  const { summary, holdings } = body.summary(closing, toMs);
  const profile = profileOf(seed, consent, account);
  const json: Record<string, unknown> = {
    linkReferenceNumber: account.linkReferenceNumber,
    maskedAccountNumber: account.maskedAccountNumber,
    fiType: account.fiType,
    bank: account.fip.name,
    fipId: account.fip.fipId,
    Profile: body.profileExtras ? { ...profile, ...body.profileExtras() } : profile,
    Summary: summary,
    Transactions: transactions,
  };
  return {
    transactionCount,
    holdingCount: holdings,
    json: shape === 'finpro' ? json : reshapeAccount(json, shape, seed, account),
  };
}
