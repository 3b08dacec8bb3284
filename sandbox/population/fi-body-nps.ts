import { txnIdOf } from './fi-body-deposit.js';
import type { FiBodyContext, FiBodyModel, TransactionList } from './fi-body-types.js';
import { NPS_SCHEMES } from './fip-catalog.js';
import { scaledToDecimal } from '../util/decimal-format.js';
import { paiseToDecimal } from '../util/money-format.js';
import { hash32, pick } from '../util/seeded-hash.js';
import { dayOf, isoDate } from '../util/time-format.js';

const LISTS: readonly TransactionList[] = [
  { container: 'Tier1SchemeTransactions', element: 'Tier1SchemeTransaction' },
  { container: 'Tier1InvestmentTransactions', element: 'Tier1InvestmentTransaction' },
  { container: 'Tier2SchemeTransactions', element: 'Tier2SchemeTransaction' },
  { container: 'Tier2InvestmentTransactions', element: 'Tier2InvestmentTransaction' },
];
/** Scheme E, C, G allocation of an active choice. */
const ALLOCATION = [50, 30, 20] as const;

function schemeNav4(seed: number, scheme: number, tier: number, day: number): number {
  const base = NPS_SCHEMES[scheme]!.navPaise * 100 * (tier === 2 ? 0.8 : 1);
  return Math.round(base * 0.9) + pick(Math.floor(base * 0.2), seed, 0x9a5, scheme * 2 + tier, day);
}

/**
 * NPS (ReBIT nps): Tier I, and for about half the accounts Tier II, each with E/C/G scheme
 * holdings (`Summary/Holdings/Tier1Holdings/Tier1Holding`...) and two transaction lists:
 * contributions (`Tier1InvestmentTransactions`) and their allocation to schemes
 * (`Tier1SchemeTransactions`). An inactive Tier II keeps its lists, empty.
 */
export function npsModel(ctx: FiBodyContext): FiBodyModel {
  const { seed, account } = ctx;
  const key = account.key;
  const tier2 = pick(2, seed, 0x7e2, key) === 0;
  const units = [0, 1, 2].map((s) => [(2000 + pick(20_000, seed, 0x4012, key, s)) * 1000 + pick(1000, seed, 0x4016, key, s), tier2 ? (100 + pick(5000, seed, 0x4013, key, s)) * 1000 + pick(1000, seed, 0x4017, key, s) : 0]);
  const openingDay = dayOf(Date.UTC(2012, 0, 1)) + pick(3000, seed, 0x09e, key);
  const employer = pick(3, seed, 0xe3b, key) > 0;
  return {
    lists: LISTS,
    transaction(day, _second, delta) {
      const h = hash32(seed, 0x7e11, key, day);
      const tier = tier2 && (h & 3) === 0 ? 2 : 1;
      const scheme = (h >>> 2) % 3;
      const amount = Math.abs(delta);
      const txnId = txnIdOf(seed, key, day);
      if ((h >>> 8) & 1) {
        const employerPart = employer && tier === 1 ? Math.floor(amount / 2) : 0;
        return [tier === 1 ? 1 : 3, {
          txnId, txnDate: isoDate(day), type: 'CONTRIBUTION', narration: `${tier === 1 ? 'Tier I' : 'Tier II'} contribution`,
          subscriberContribution: paiseToDecimal(amount - employerPart), employerContribution: paiseToDecimal(employerPart), totalContribution: paiseToDecimal(amount),
        }];
      }
      const nav = schemeNav4(seed, scheme, tier, day);
      const s = NPS_SCHEMES[scheme]!;
      return [tier === 1 ? 0 : 2, {
        txnId, txnDate: isoDate(day), type: delta >= 0 ? 'CONTRIBUTION' : 'BILLING', schemeId: s.schemeId,
        schemeName: tier === 1 ? s.schemeName : s.schemeName.replace('Tier I', 'Tier II'), narration: delta >= 0 ? 'By contribution' : 'Charges',
        allocationPercent: String(ALLOCATION[scheme]), amount: paiseToDecimal(amount), nav: scaledToDecimal(nav, 4),
        units: scaledToDecimal(Math.max(1, Math.round((amount * 100_000) / nav)), 3), cumulativeUnits: scaledToDecimal(units[scheme]![tier - 1]!, 3),
      }];
    },
    summary(_closing, toMs) {
      const day = dayOf(toMs);
      const tierValues = [0, 0];
      const costs = [0, 0];
      const tierHoldings = (tier: number) =>
        tier === 2 && !tier2
          ? []
          : NPS_SCHEMES.map((s, i) => {
              const u = units[i]![tier - 1]!;
              const nav = schemeNav4(seed, i, tier, day);
              const value = Math.round((u * nav) / 100_000);
              tierValues[tier - 1]! += value;
              costs[tier - 1]! += Math.round(value * 0.8);
              return {
                amount: paiseToDecimal(Math.round(value * 0.8)), amountInTransition: '0.00', blockedUnits: '0.000', freeUnits: scaledToDecimal(u, 3),
                nav: scaledToDecimal(nav, 4), schemeId: s.schemeId, schemeName: tier === 1 ? s.schemeName : s.schemeName.replace('Tier I', 'Tier II'),
                totalUnits: scaledToDecimal(u, 3), totalValueOfScheme: paiseToDecimal(value),
              };
            });
      const t1 = tierHoldings(1);
      const t2 = tierHoldings(2);
      const total = tierValues[0]! + tierValues[1]!;
      const tierBlock = (tier: number, list: unknown[]) => ({
        schemePreferenceType: 'ACTIVE', freeUnits: '', investmentCost: paiseToDecimal(costs[tier - 1]!), investmentValue: paiseToDecimal(tierValues[tier - 1]!),
        [`Tier${tier}Holding`]: list,
      });
      return {
        holdings: t1.length + t2.length,
        summary: {
          currentValue: paiseToDecimal(total), tier1NAVDate: isoDate(day), tier2NAVDate: tier2 ? isoDate(day) : '',
          debtAssetValue: paiseToDecimal(Math.floor((total * 2) / 10)), equityAssetValue: paiseToDecimal(Math.floor((total * 5) / 10)),
          otherAssetValue: paiseToDecimal(total - Math.floor((total * 2) / 10) - Math.floor((total * 5) / 10)),
          openingDate: isoDate(openingDay), status: 'ACTIVE', tier1Status: 'ACTIVE', tier2Status: tier2 ? 'ACTIVE' : 'INACTIVE',
          SchemeChoices: {
            SchemeChoice: NPS_SCHEMES.map((s, i) => ({ allocationPercent: String(ALLOCATION[i]), pfmId: s.pfmId, pfmName: s.pfmName, schemeId: s.schemeId, schemeName: s.schemeName })),
          },
          Holdings: { Tier1Holdings: tierBlock(1, t1), Tier2Holdings: tierBlock(2, t2) },
        },
      };
    },
  };
}
