import { referenceOf, txnIdOf } from './fi-body-deposit.js';
import { PLAIN_TRANSACTIONS, type FiBodyContext, type FiBodyModel } from './fi-body-types.js';
import { customerOf, dematIdOf, folioOf } from './fi-profile.js';
import { EQUITY_SECURITIES, ETF_SECURITIES, MUTUAL_FUND_SCHEMES, type Security } from './fip-catalog.js';
import { nav4On, pricePaiseOn, unitsMilliFor, valuePaiseOf } from './security-prices.js';
import { scaledToDecimal } from '../util/decimal-format.js';
import { paiseToDecimal } from '../util/money-format.js';
import { hash32, pick } from '../util/seeded-hash.js';
import { dayOf, isoAtSecond, isoDate } from '../util/time-format.js';

const REGISTRARS: Record<string, string> = { 'CAMS-FIP': 'CAMS', 'KFINTECH-FIP': 'KFINTECH' };

interface Position {
  security: Security;
  /** Whole units for equities and ETFs, thousandths for funds. */
  units: number;
  /** Average cost per unit, as a share of today's price (70-110%). */
  costShare: number;
  sinceDay: number;
}

/**
 * The securities an account holds: 1-5 distinct ones from its type's catalogue, with units
 * fixed per account (the trades in the range are a sample of its history, not a ledger).
 */
function positionsOf(ctx: FiBodyContext, catalogue: readonly Security[], fractional: boolean): Position[] {
  const { seed, account } = ctx;
  const key = account.key;
  const count = Math.min(catalogue.length, 1 + pick(5, seed, 0x401d, key));
  const first = pick(catalogue.length, seed, 0x401e, key);
  const out: Position[] = [];
  for (let i = 0; i < count; i++) {
    const security = catalogue[(first + i) % catalogue.length]!;
    const units = fractional ? (10 + pick(2000, seed, 0x4012, key, i)) * 1000 + pick(1000, seed, 0x4013, key, i) : 1 + pick(400, seed, 0x4012, key, i);
    out.push({ security, units, costShare: 0.7 + pick(41, seed, 0x4014, key, i) / 100, sinceDay: dayOf(Date.UTC(2015, 0, 1)) + pick(3000, seed, 0x4015, key, i) });
  }
  return out;
}

/** A trade of up to a quarter of the position (at least one unit), fixed per (account, day). */
export function tradeUnits(h: number, held: number): number {
  return 1 + ((h >>> 12) % Math.max(1, Math.ceil(held / 4)));
}

function catalogueOf(fiType: string): readonly Security[] {
  if (fiType === 'EQUITIES') return EQUITY_SECURITIES;
  if (fiType === 'ETF') return ETF_SECURITIES;
  return MUTUAL_FUND_SCHEMES;
}

/**
 * Equities, mutual funds, ETFs and SIPs: holdings under `Summary/Investment/Holdings/Holding`,
 * trades under `Transactions/Transaction`. Equities and ETFs trade whole units at the day's
 * price (tradeValue = units x rate exactly); funds buy an amount at the day's NAV and get
 * units to three places, as registrars report them.
 */
export function investmentModel(ctx: FiBodyContext): FiBodyModel {
  const { seed, account, consent } = ctx;
  const key = account.key;
  const fiType = account.fiType;
  const fund = fiType === 'MUTUAL_FUNDS' || fiType === 'SIP';
  const positions = positionsOf(ctx, catalogueOf(fiType), fund);
  const registrar = REGISTRARS[account.fip.fipId] ?? 'CAMS';
  const folio = fund ? folioOf(seed, account) : '';
  const demat = fund ? '' : dematIdOf(seed, account);
  const dpId = demat.slice(0, 8);
  const sipAmount = 100_000 + pick(20, seed, 0x51b, key) * 50_000;
  const sipDay = 1 + pick(28, seed, 0x51c, key);

  return {
    lists: PLAIN_TRANSACTIONS,
    transaction(day, second, delta) {
      const h = hash32(seed, 0x7e11, key, day);
      const position = positions[h % positions.length]!;
      const s = position.security;
      const buy = delta >= 0;
      const type = buy ? 'BUY' : 'SELL';
      const txnId = txnIdOf(seed, key, day);
      const at = isoAtSecond(day, second);
      if (!fund) {
        const price = pricePaiseOn(seed, s, day);
        const units = tradeUnits(h, position.units);
        const tradeValue = units * price;
        if (fiType === 'ETF') {
          return [0, {
            txnId, isin: s.isin, transactionDateTime: at, units: String(units), amount: paiseToDecimal(tradeValue),
            schemeName: s.name, dpId, schemeMinLotSize: '1', faceValueofUnits: '10.00', nav: paiseToDecimal(price),
            type, orderDate: isoDate(day), executionDate: isoDate(day), mode: 'DEMAT',
            narration: `${type} ${s.symbol} ${units}@${paiseToDecimal(price)}`, brokerCode: '',
          }];
        }
        const charges = Math.floor(tradeValue / 1000);
        return [0, {
          txnId, orderId: referenceOf(seed, key, day), isin: s.isin, companyName: s.name, symbol: s.symbol,
          exchange: h & 1 ? 'NSE' : 'BSE', narration: `${type} ${s.symbol}`, transactionDateTime: at,
          equityCategory: 'EQUITY', instrumentType: '', optionType: '', strikePrice: '', rate: paiseToDecimal(price),
          tradeValue: paiseToDecimal(tradeValue), shareHolderEquityType: 'EQUITY', type, units: String(units),
          otherCharges: paiseToDecimal(Math.floor(charges / 4)), totalCharge: paiseToDecimal(charges),
        }];
      }
      const nav = nav4On(seed, s, day);
      if (fiType === 'SIP') {
        // An instalment of the plan; one day in eight a partial redemption instead.
        const redeem = (h >>> 12) % 8 === 0;
        const amount = redeem ? Math.abs(delta) : sipAmount;
        return [0, {
          txnId, txnDate: isoDate(day), amc: s.name.split(' ')[0], scheme: s.name, isin: s.isin, ucc: '', amfiCode: s.symbol,
          folioNo: folio, type: redeem ? 'REDEMPTION' : 'BUY', narration: `SIP ${redeem ? 'REDEMPTION' : 'PURCHASE'} ${s.symbol}`,
          units: scaledToDecimal(unitsMilliFor(amount, nav), 3), nav: scaledToDecimal(nav, 4), cost: paiseToDecimal(amount),
          stt: redeem ? paiseToDecimal(Math.floor(amount / 10_000)) : '', amount: paiseToDecimal(amount),
        }];
      }
      const amount = Math.abs(delta);
      const units = scaledToDecimal(unitsMilliFor(amount, nav), 3);
      return [0, {
        txnId, amc: s.name.split(' ')[0], registrar, schemeCode: s.symbol, schemePlan: 'DIRECT', schemeTypes: 'EQUITY_SCHEMES',
        schemeCategory: 'FLEXI_CAP_FUND', isin: s.isin, amfiCode: s.symbol, schemeOption: 'GROWTH', fundType: 'EQUITY', ucc: '',
        amount: paiseToDecimal(amount), closingUnits: '', lienUnits: '', nav: scaledToDecimal(nav, 4), navDate: isoDate(day),
        type, orderDate: isoDate(day), executionDate: isoDate(day), transactionDateTime: at, units,
        'lock-inDays': '', 'lock-inFlag': '', mode: 'PHYSICAL', narration: `${type} ${s.name}`,
      }];
    },
    summary(_closing, toMs) {
      const day = dayOf(toMs);
      let value = 0;
      let cost = 0;
      const holdings = positions.map((p, i) => {
        const s = p.security;
        if (!fund) {
          const price = pricePaiseOn(seed, s, day);
          const costPrice = Math.round((price * p.costShare) / 5) * 5;
          value += price * p.units;
          cost += costPrice * p.units;
          if (fiType === 'ETF') {
            return {
              folioNo: '', dematId: demat, schemeName: s.name, dpId, units: String(p.units), isin: s.isin, mode: 'DEMAT',
              rate: paiseToDecimal(costPrice), nav: paiseToDecimal(price), lastNavDate: isoDate(day), symbol: s.symbol, description: '',
            };
          }
          return {
            issuerName: s.name, isin: s.isin, units: String(p.units), rate: paiseToDecimal(costPrice),
            investmentDateTime: isoAtSecond(p.sinceDay, 36_000 + i * 60), lastTradedPrice: paiseToDecimal(price), description: '',
          };
        }
        const nav = nav4On(seed, s, day);
        const holdingValue = valuePaiseOf(p.units, nav);
        const costNav = Math.round(nav * p.costShare);
        value += holdingValue;
        cost += valuePaiseOf(p.units, costNav);
        if (fiType === 'SIP') {
          const customer = customerOf(seed, consent);
          const done = 12 + pick(60, seed, 0x51d, key, i);
          return {
            amc: s.name.split(' ')[0], registrar, scheme: s.name, isin: s.isin, ucc: '', amfiCode: s.symbol, folioNo: folio,
            holdingType: 'SOLE', holder1Name: customer.name, holder2Name: '', nominee: 'REGISTERED', email: customer.email,
            units: scaledToDecimal(p.units, 3), nav: scaledToDecimal(nav, 4), value: paiseToDecimal(holdingValue), devidentType: '',
            amount: paiseToDecimal(sipAmount), frequency: 'MONTHLY', instalmentDay: String(sipDay), pendingInstalments: String(120 - done),
            completeInstalments: String(done), lastInstalmentDate: isoDate(day - ((day - sipDay) % 30)),
            nextInstalmentDate: isoDate(day - ((day - sipDay) % 30) + 30), creationDate: isoDate(p.sinceDay), modificationDate: '', ceasedDate: '',
          };
        }
        return {
          amc: s.name.split(' ')[0], registrar, schemeCode: s.symbol, isin: s.isin, ucc: '', amfiCode: s.symbol, folioNo: folio,
          dividendType: '', mode: 'PHYSICAL', FatcaStatus: 'YES', units: scaledToDecimal(p.units, 3), closingUnits: scaledToDecimal(p.units, 3),
          lienUnits: '0.000', rate: scaledToDecimal(costNav, 4), nav: scaledToDecimal(nav, 4), lockingUnits: '0.000',
        };
      });
      return {
        holdings: holdings.length,
        summary: {
          investmentValue: paiseToDecimal(cost),
          currentValue: paiseToDecimal(value),
          ...(fiType === 'SIP' ? { folioNo: folio } : {}),
          Investment: { Holdings: { ...(fund ? {} : { type: 'DEMAT' }), Holding: holdings } },
        },
      };
    },
  };
}
