import { txnIdOf } from './fi-body-deposit.js';
import { PLAIN_TRANSACTIONS, type FiBodyContext, type FiBodyModel } from './fi-body-types.js';
import { INSURANCE_PLANS } from './fip-catalog.js';
import { paiseToDecimal } from '../util/money-format.js';
import { hash32, pick } from '../util/seeded-hash.js';
import { dayOf, isoDate } from '../util/time-format.js';

/**
 * Life policies (ReBIT insurance_policies): sum assured, premium, Riders under Profile,
 * MoneyBacks (money-back plans; an empty list otherwise), Covers and ContractClauses under
 * Summary; transactions are dated (`txnDate`, no time): mostly PREMIUM payments of the
 * policy's monthly premium, now and then a BONUS. A term plan
 * has no maturity benefit: `""`.
 */
export function insuranceModel(ctx: FiBodyContext): FiBodyModel {
  const { seed, account } = ctx;
  const key = account.key;
  const plan = INSURANCE_PLANS[pick(INSURANCE_PLANS.length, seed, 0x1e5, key)]!;
  const term = plan.policyType === 'TERM_PLAN';
  const sumAssured = (term ? 50 + pick(150, seed, 0x5a, key) * 5 : 5 + pick(50, seed, 0x5a, key)) * 10_000_000; // lakhs
  const premium = Math.floor((term ? sumAssured / 1000 : sumAssured / 18) / 12); // monthly
  const startDay = dayOf(Date.UTC(2010, 0, 1)) + pick(4000, seed, 0x5b, key);
  const tenureYears = term ? 30 : 20;
  const maturityDay = startDay + tenureYears * 365;
  const policyNumber = String(100_000_000 + (hash32(seed, 0x90c, key) % 900_000_000));
  return {
    lists: PLAIN_TRANSACTIONS,
    profileExtras() {
      return {
        Riders: {
          Rider: term
            ? []
            : [{ riderType: 'ACCIDENTAL_DEATH', sumAssured: paiseToDecimal(Math.floor(sumAssured / 2)), tenureYears: String(tenureYears), tenureMonths: '',
                premiumAmount: paiseToDecimal(Math.floor(premium / 50)), policyStartDate: isoDate(startDay), policyEndDate: isoDate(maturityDay) }],
        },
      };
    },
    transaction(day, _second, delta) {
      // A premium on most days; one day in sixteen a bonus declared, sized by the chain's move.
      const bonus = (hash32(seed, 0x7e11, key, day) & 15) === 0;
      const amount = bonus ? Math.max(100, Math.abs(delta)) : premium;
      return [0, {
        txnId: txnIdOf(seed, key, day), txnDate: isoDate(day), narration: bonus ? 'Reversionary bonus declared' : `Premium received ${policyNumber}`,
        type: bonus ? 'BONUS' : 'PREMIUM', amount: paiseToDecimal(amount),
      }];
    },
    summary() {
      const moneyBacks = plan.moneyBack
        ? [5, 10, 15].map((y) => ({ date: isoDate(startDay + y * 365), amount: paiseToDecimal(Math.floor(sumAssured / 5)), description: `Survival benefit year ${y}` }))
        : [];
      return {
        holdings: 0,
        summary: {
          policyName: plan.policyName, policyNumber, eiaNumber: '', sumAssured: paiseToDecimal(sumAssured), coverAmount: paiseToDecimal(sumAssured),
          tenureMonths: String(tenureYears * 12), tenureYears: String(tenureYears), premiumAmount: paiseToDecimal(premium),
          policyStartDate: isoDate(startDay), policyType: plan.policyType, coverType: 'LIFE', premiumFrequency: 'MONTHLY',
          premiumPaymentYears: String(term ? tenureYears : 15), premiumPaymentMonths: String((term ? tenureYears : 15) * 12),
          maturityDate: isoDate(maturityDay), maturityBenefit: term ? '' : paiseToDecimal(sumAssured + Math.floor(sumAssured / 2)),
          MoneyBacks: { MoneyBack: moneyBacks },
          ContractClauses: { ContractClause: [{ title: 'Suicide clause', subLimit: '', conditions: 'Within 12 months of commencement', exlcusions: '', amount: '', description: '80% of premiums paid' }] },
          Covers: { Cover: [{ amount: paiseToDecimal(sumAssured), description: 'Death benefit' }] },
        },
      };
    },
  };
}
