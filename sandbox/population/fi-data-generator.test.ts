import { describe, expect, it } from 'vitest';
import { ConsentPopulation, type AccountInfo, type ConsentInfo } from './consent-population.js';
import { generateAccountData } from './fi-data-generator.js';
import { FI_SHAPES, mixedSpellingOf, toScientific, type FiShape } from './fi-shape.js';
import { FI_TYPES } from './fi-types.js';

const DAY = 86_400_000;
const ANCHOR = Date.UTC(2026, 10, 23);
const population = new ConsentPopulation(42, 1200, ANCHOR);
const consents = Array.from({ length: population.count }, (_, i) => population.consent(i));
const accounts: Array<[ConsentInfo, AccountInfo]> = consents.flatMap((c) => c.accounts.map((a) => [c, a] as [ConsentInfo, AccountInfo]));

/** Exact 10^-4 units from a decimal string or a JSON number, never through float arithmetic. */
function exact(value: unknown, scale = 4): bigint {
  const text = typeof value === 'number' ? String(value) : (value as string);
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a plain decimal: ${text}`);
  const negative = text.startsWith('-');
  const [whole, frac = ''] = text.replace('-', '').split('.');
  if (frac.length > scale) throw new Error(`more than ${scale} places: ${text}`);
  const v = BigInt(whole!) * 10n ** BigInt(scale) + BigInt(frac.padEnd(scale, '0'));
  return negative ? -v : v;
}

type Obj = Record<string, any>;
const elements = (v: unknown): Obj[] => (Array.isArray(v) ? v : v === '' || v === undefined ? [] : [v as Obj]);

/**
 * The transactions and holdings of an account in any spelling, found by element name
 * (Transaction, Tier1SchemeTransaction, Holding, Tier2Holding... in either case) or as a
 * bare `transactions` array: enough to count what a reader must find, not a normalizer.
 */
function collect(json: Obj): { transactions: Obj[]; holdings: Obj[] } {
  const transactions: Obj[] = [];
  const holdings: Obj[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const k = key.toLowerCase();
      if (k.endsWith('transaction')) transactions.push(...elements(value));
      else if (k.endsWith('holding')) holdings.push(...elements(value));
      else if (k === 'transactions' && Array.isArray(value)) transactions.push(...value);
      else walk(value);
    }
  };
  walk(json);
  return { transactions, holdings };
}

function generate(shape: FiShape, from = ANCHOR - 365 * DAY, to = ANCHOR - 1) {
  return accounts.map(([c, a]) => ({ account: a, ...generateAccountData(42, c, a, from, to, shape) }));
}

const finpro = generate('finpro');

describe('fi-data-generator', () => {
  it('generates every FI type of the contract table in the population, bank accounts still most', () => {
    const byType = new Map<string, number>();
    for (const [, a] of accounts) byType.set(a.fiType, (byType.get(a.fiType) ?? 0) + 1);
    expect([...byType.keys()].sort()).toEqual([...FI_TYPES].sort());
    expect(byType.get('DEPOSIT')! / accounts.length).toBeCloseTo(0.76, 1);
    for (const t of FI_TYPES) expect(byType.get(t)).toBeGreaterThan(5);
  });

  it('serves FinPro\'s capitalised shape: wrapper keys, Profile/Holders/Holder[], Summary, Transactions{startDate,endDate,lists}', () => {
    for (const { account, json, transactionCount, holdingCount } of finpro) {
      expect(Object.keys(json)).toEqual(['linkReferenceNumber', 'maskedAccountNumber', 'fiType', 'bank', 'fipId', 'Profile', 'Summary', 'Transactions']);
      const profile = json['Profile'] as Obj;
      if (!Array.isArray(profile['Holders'].Holder) || profile['Holders'].Holder.length !== 1) throw new Error('Holder must be a list');
      const txns = json['Transactions'] as Obj;
      expect(txns['startDate']).toBe('2025-11-23');
      expect(txns['endDate']).toBe('2026-11-22');
      const found = collect(json);
      if (found.transactions.length !== transactionCount || found.holdings.length !== holdingCount) throw new Error(`counts of ${account.fiType}`);
      const summary = json['Summary'] as Obj;
      switch (account.fiType) {
        case 'DEPOSIT':
          expect(Array.isArray(summary['Pending'])).toBe(true);
          expect(Array.isArray(txns['Transaction'])).toBe(true);
          break;
        case 'EQUITIES':
        case 'MUTUAL_FUNDS':
        case 'ETF':
        case 'SIP':
          expect(summary['Investment'].Holdings.Holding.length).toBe(holdingCount);
          expect(holdingCount).toBeGreaterThan(0);
          break;
        case 'BONDS':
        case 'DEBENTURES':
        case 'GOVT_SECURITIES':
          expect(summary['Holdings'].Holding.length).toBe(holdingCount);
          break;
        case 'NPS':
          expect(summary['Holdings'].Tier1Holdings.Tier1Holding.length).toBe(3);
          expect(Object.keys(txns).sort()).toEqual(['Tier1InvestmentTransactions', 'Tier1SchemeTransactions', 'Tier2InvestmentTransactions', 'Tier2SchemeTransactions', 'endDate', 'startDate']);
          break;
        case 'INSURANCE_POLICIES':
          expect(summary['Covers'].Cover.length).toBe(1);
          expect(Array.isArray(summary['MoneyBacks'].MoneyBack)).toBe(true);
          break;
        default:
          break;
      }
    }
  });

  it('spells every value as a string in the finpro shape, decimals exact, "" where ReBIT allows no value', () => {
    let empties = 0;
    const check = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(check);
      if (node !== null && typeof node === 'object') return Object.values(node).forEach(check);
      if (typeof node !== 'string') throw new Error(`non-string value ${String(node)}`);
      if (node === '') empties++;
    };
    finpro.forEach((g) => check(g.json));
    expect(empties).toBeGreaterThan(1000);
    const deposit = finpro.find((g) => g.account.fiType === 'DEPOSIT' && (g.json['Summary'] as Obj)['type'] === 'SAVINGS')!;
    expect((deposit.json['Summary'] as Obj)['exchgeRate']).toBe('');
    const term = finpro.find((g) => g.account.fiType === 'INSURANCE_POLICIES' && (g.json['Summary'] as Obj)['policyType'] === 'TERM_PLAN')!;
    expect((term.json['Summary'] as Obj)['maturityBenefit']).toBe('');
  });

  it('chains every deposit balance exactly: amount = difference, CREDIT up, DEBIT down', () => {
    let checked = 0;
    for (const { account, json } of finpro) {
      if (account.fiType !== 'DEPOSIT' && account.fiType !== 'TERM_DEPOSIT' && account.fiType !== 'RECURRING_DEPOSIT') continue;
      const txns = (json['Transactions'] as Obj)['Transaction'] as Obj[];
      const balanceKey = account.fiType === 'DEPOSIT' ? 'currentBalance' : 'balance';
      for (let k = 1; k < txns.length; k++) {
        const diff = exact(txns[k]![balanceKey]) - exact(txns[k - 1]![balanceKey]);
        const amount = exact(txns[k]!['amount']);
        const up = ['CREDIT', 'INTEREST', 'INSTALLMENT'].includes(txns[k]!['type']);
        if (diff !== (up ? amount : -amount)) throw new Error(`chain broken at ${String(txns[k]!['txnId'])}`);
        checked++;
      }
      const summary = json['Summary'] as Obj;
      if (txns.length > 0) expect(exact(summary[account.fiType === 'DEPOSIT' ? 'currentBalance' : 'currentValue'])).toBe(exact(txns.at(-1)![balanceKey]));
    }
    expect(checked).toBeGreaterThan(50_000);
  });

  it('gives realistic, exact investment figures: trade value = units x rate, NAVs and units to their places, values add up', () => {
    let trades = 0;
    for (const { account, json } of finpro) {
      const summary = json['Summary'] as Obj;
      const { transactions, holdings } = collect(json);
      switch (account.fiType) {
        case 'EQUITIES':
        case 'BONDS':
        case 'DEBENTURES':
        case 'GOVT_SECURITIES':
          for (const t of transactions) {
            if (exact(t['tradeValue']) * 1n !== BigInt(t['units']) * exact(t['rate'])) throw new Error(`trade value of ${String(t['txnId'])}`);
            if (!['BUY', 'SELL'].includes(t['type']) || !/^IN[EF0]/.test(t['isin'])) throw new Error(`trade ${String(t['txnId'])}`);
            trades++;
          }
          break;
        case 'MUTUAL_FUNDS':
        case 'SIP':
          for (const t of transactions) {
            const units = exact(t['units']);
            const nav = exact(t['nav']);
            const amount = exact(t['amount']);
            // units x NAV = amount, to the rounding of units to three places.
            const diff = (units * nav) / 10_000n - amount;
            if (units <= 0n || nav <= 0n || (diff < 0n ? -diff : diff) > nav / 1000n + 1n) throw new Error(`units of ${String(t['txnId'])}`);
            trades++;
          }
          break;
        case 'TERM_DEPOSIT':
        case 'RECURRING_DEPOSIT':
          expect(summary['maturityDate'] > summary['openingDate']).toBe(true);
          expect(exact(summary['maturityAmount'])).toBeGreaterThan(exact(summary['principalAmount']));
          break;
        case 'INSURANCE_POLICIES':
          expect(exact(summary['sumAssured'])).toBeGreaterThan(exact(summary['premiumAmount']) * 100n);
          for (const t of transactions) if (!/^\d{4}-\d{2}-\d{2}$/.test(t['txnDate'])) throw new Error('txnDate is a date');
          break;
        default:
          break;
      }
      if (['EQUITIES', 'MUTUAL_FUNDS', 'ETF', 'SIP', 'BONDS', 'DEBENTURES', 'GOVT_SECURITIES', 'NPS'].includes(account.fiType)) {
        expect(exact(summary['currentValue'])).toBeGreaterThan(0n);
        for (const h of holdings) if (!h['isin'] && !h['schemeId']) throw new Error(`holding without isin or scheme in ${account.fiType}`);
      }
    }
    expect(trades).toBeGreaterThan(1000);
  });

  it('returns identical data for overlapping ranges and the same inputs, in every shape', () => {
    const sample = accounts.filter((_, i) => i % 7 === 0).slice(0, 150);
    for (const shape of FI_SHAPES) {
      for (const [c, a] of sample) {
        const year = collect(generateAccountData(42, c, a, ANCHOR - 365 * DAY, ANCHOR - DAY, shape).json).transactions;
        const half = collect(generateAccountData(42, c, a, ANCHOR - 180 * DAY, ANCHOR, shape).json).transactions;
        const byId = new Map(year.map((t) => [t['txnId'], t]));
        for (const t of half) if (byId.has(t['txnId'])) expect(t).toEqual(byId.get(t['txnId']));
        expect(new Set(year.map((t) => t['txnId'])).size).toBe(year.length);
        expect(generateAccountData(42, c, a, ANCHOR - 90 * DAY, ANCHOR, shape)).toEqual(generateAccountData(42, c, a, ANCHOR - 90 * DAY, ANCHOR, shape));
      }
    }
  });

  it('makes about one transaction a week per deposit account', () => {
    const deposits = finpro.filter((g) => g.account.fiType === 'DEPOSIT');
    const perAccount = deposits.reduce((n, g) => n + g.transactionCount, 0) / deposits.length;
    expect(perAccount).toBeGreaterThan(45);
    expect(perAccount).toBeLessThan(65);
  });

  it('lower: lower-case containers, a bare transactions array for some accounts, same transactions and holdings', () => {
    const lower = generate('lower', ANCHOR - 120 * DAY);
    const finpro120 = generate('finpro', ANCHOR - 120 * DAY);
    let bare = 0;
    lower.forEach((g, i) => {
      const keys = Object.keys(g.json);
      if (keys.some((k) => /^[A-Z]/.test(k))) throw new Error(`capitalised key in ${keys.join()}`);
      if (/"(Holders|Holder|Transaction|Holding|Investment|Pending)"/.test(JSON.stringify(g.json))) throw new Error('capitalised container');
      if (Array.isArray(g.json['transactions'])) bare++;
      const found = collect(g.json);
      const original = collect(finpro120[i]!.json);
      if (found.transactions.length !== original.transactions.length || found.holdings.length !== original.holdings.length) throw new Error('lost an element');
    });
    expect(bare).toBeGreaterThan(lower.length / 3);
    expect(bare).toBeLessThan((lower.length * 2) / 3);
  });

  it('mixed: every variant of the contract appears, by FIP, and loses nothing', () => {
    const mixed = generate('mixed', ANCHOR - 120 * DAY);
    const text = mixed.map((g) => JSON.stringify(g.json));
    const seen = (re: RegExp) => text.some((t) => re.test(t));
    expect(seen(/"Holder":\{/)).toBe(true); // a one-element list as an object
    expect(seen(/"holder":\[/)).toBe(true);
    expect(seen(/"(Pending|pending)":""/)).toBe(true); // an empty list as ""
    expect(mixed.some((g) => g.account.fiType === 'DEPOSIT' && !/"(Pending|pending)"/.test(JSON.stringify(g.json)))).toBe(true); // absent
    expect(seen(/"amount":\d/)).toBe(true); // JSON numbers
    expect(seen(/"amount":"\d\.\d+E\d+"/)).toBe(true); // scientific notation
    expect(seen(/T\d\d:\d\d:\d\d\.\d{3}\+05:30"/)).toBe(true);
    expect(seen(/T\d\d:\d\d:\d\d\.\d{3}\+0000"/)).toBe(true);
    expect(seen(/T\d\d:\d\d:\d\d\.\d{3}"/)).toBe(true);
    expect(seen(/"ckycCompliance":true/)).toBe(true);
    expect(seen(/"ckycCompliance":"Y"/)).toBe(true);
    for (const key of ['linkReferenceNumber', 'linkRefNumber', 'linkedAccRef', 'link_reference_number', 'maskedAccountNumber', 'maskedAccNumber']) {
      expect(mixed.some((g) => key in g.json)).toBe(true);
    }
    expect(mixed.some((g) => Object.keys(g.json).some((k) => /^masked(DematId|FolioNo|PolicyNumber|PranId)$/.test(k)))).toBe(true);
    expect(mixed.some((g) => 'Summary' in g.json)).toBe(true);
    expect(mixed.some((g) => 'summary' in g.json)).toBe(true);
    // Nothing lost: every transaction and holding is still there under some spelling.
    mixed.forEach((g, i) => {
      const found = collect(g.json);
      if (found.transactions.length !== g.transactionCount || found.holdings.length !== g.holdingCount) throw new Error(`mixed lost an element of ${finpro[i]!.account.fiType}`);
    });
    // One FIP spells every one of its accounts the same way: its accounts share one link key.
    const linkKeys = new Map<string, Set<string>>();
    for (const g of mixed) {
      const key = ['linkReferenceNumber', 'linkRefNumber', 'linkedAccRef', 'link_reference_number'].find((k) => k in g.json)!;
      let keys = linkKeys.get(g.account.fip.fipId);
      if (keys === undefined) linkKeys.set(g.account.fip.fipId, (keys = new Set()));
      keys.add(key);
    }
    expect(linkKeys.size).toBeGreaterThan(1);
    for (const [fip, keys] of linkKeys) expect([...keys], fip).toEqual([mixedSpellingOf(42, fip).link]);
  });

  it('writes scientific notation exactly', () => {
    expect(toScientific('20250187.87')).toBe('2.025018787E7');
    expect(toScientific('1134.50')).toBe('1.1345E3');
    expect(toScientific('-42.00')).toBe('-4.2E1');
    expect(toScientific('0.50')).toBe('5E-1');
    expect(toScientific('0.0125')).toBe('1.25E-2');
    expect(toScientific('0.00')).toBe('0.00');
    expect(toScientific('7')).toBe('7E0');
  });
});
