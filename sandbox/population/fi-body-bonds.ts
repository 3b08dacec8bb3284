import { txnIdOf } from './fi-body-deposit.js';
import { PLAIN_TRANSACTIONS, type FiBodyContext, type FiBodyModel } from './fi-body-types.js';
import { BOND_SECURITIES, GOVT_SECURITIES, type Security } from './fip-catalog.js';
import { tradeUnits } from './fi-body-investment.js';
import { pricePaiseOn } from './security-prices.js';
import { paiseToDecimal } from '../util/money-format.js';
import { hash32, pick } from '../util/seeded-hash.js';
import { dayOf, isoAtSecond, isoDate } from '../util/time-format.js';

/** "REC Ltd 7.54% 2030" -> 754 basis points; a T-bill has no coupon (undefined). */
function couponBps(security: Security): number | undefined {
  const m = /(\d+)\.(\d{2})%/.exec(security.name);
  return m ? Number(m[1]) * 100 + Number(m[2]) : undefined;
}

/**
 * Bonds, debentures and government securities (ReBIT bonds / debentures / govt_securities
 * share one layout): holdings under `Summary/Holdings/Holding` with face value, coupon and
 * maturity; trades under `Transactions/Transaction` at a price around face value.
 * A zero-coupon bill leaves its coupon attributes `""`, as ReBIT allows.
 */
export function bondModel(ctx: FiBodyContext): FiBodyModel {
  const { seed, account } = ctx;
  const key = account.key;
  const govt = account.fiType === 'GOVT_SECURITIES';
  const catalogue = govt ? GOVT_SECURITIES : BOND_SECURITIES;
  const count = 1 + pick(catalogue.length, seed, 0x401d, key);
  const first = pick(catalogue.length, seed, 0x401e, key);
  const positions = Array.from({ length: count }, (_, i) => ({
    security: catalogue[(first + i) % catalogue.length]!,
    units: 1 + pick(govt ? 500 : 100, seed, 0x4012, key, i),
    issueDay: dayOf(Date.UTC(2019, 0, 1)) + pick(1800, seed, 0x4015, key, i),
  }));
  return {
    lists: PLAIN_TRANSACTIONS,
    transaction(day, second, delta) {
      const h = hash32(seed, 0x7e11, key, day);
      const position = positions[h % positions.length]!;
      const s = position.security;
      const rate = pricePaiseOn(seed, s, day);
      const units = tradeUnits(h, position.units);
      const tradeValue = units * rate;
      const type = delta >= 0 ? 'BUY' : 'SELL';
      return [0, {
        txnId: txnIdOf(seed, key, day), isin: s.isin, narration: `${type} ${s.symbol}`, transactionDateTime: isoAtSecond(day, second),
        rate: paiseToDecimal(rate), type, currency: 'INR', units: String(units), tradeValue: paiseToDecimal(tradeValue),
        totalCharge: paiseToDecimal(Math.floor(tradeValue / 2000)), otherTaxes: '',
      }];
    },
    summary(_closing, toMs) {
      const day = dayOf(toMs);
      let value = 0;
      let cost = 0;
      const holdings = positions.map((p) => {
        const s = p.security;
        const coupon = couponBps(s);
        const face = s.basePaise;
        const price = pricePaiseOn(seed, s, day);
        const tenureYears = coupon === undefined ? 1 : 10;
        const maturityDay = p.issueDay + tenureYears * 365;
        const principal = face * p.units;
        value += price * p.units;
        cost += principal;
        const fmtRate = coupon === undefined ? '' : `${Math.floor(coupon / 100)}.${String(coupon % 100).padStart(2, '0')}`;
        return {
          scheme: coupon === undefined ? 'ZERO_COUPON' : 'FIXED_INTEREST_RATE', faceValue: paiseToDecimal(face), isin: s.isin,
          units: String(p.units), symbol: s.symbol, issuerName: s.name.replace(/ \d.*$/, ''), issueRate: fmtRate, description: s.name,
          creditRating: govt ? '' : 'AAA', creditRatingAgency: govt ? '' : 'CRISIL', taxable: 'true', issueDate: isoDate(p.issueDay),
          principleAmount: paiseToDecimal(principal), tenureYears: String(tenureYears), tenureMoths: String(tenureYears * 12), tenureDays: '',
          accruedInterestAmount: coupon === undefined ? '' : paiseToDecimal(Math.floor((principal * coupon * ((day - p.issueDay) % 182)) / (10_000 * 365))),
          couponRate: fmtRate, maturityDate: isoDate(maturityDay), coupanComputation: coupon === undefined ? '' : 'SIMPLE',
          coupanPaymentDate: coupon === undefined ? '' : isoDate(day + 182 - ((day - p.issueDay) % 182)), autionDate: govt ? isoDate(p.issueDay - 2) : '',
          compoundingFrequency: coupon === undefined ? '' : 'HALF_YEARLY', interestPayout: coupon === undefined ? 'ON_MATURITY' : 'HALF_YEARLY',
          interestOnMaturity: '', lastTradedDate: isoDate(day), lastTradedRate: paiseToDecimal(price),
        };
      });
      return {
        holdings: holdings.length,
        summary: { investmentValue: paiseToDecimal(cost), currentValue: paiseToDecimal(value), Holdings: { Holding: holdings } },
      };
    },
  };
}
