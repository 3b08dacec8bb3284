import { describe, expect, it } from 'vitest';
import { FiValueError } from '../errors/connector-errors.js';
import { normalizeFiAccount, type Row } from './fi-account-normalizer.js';
import { FI_TYPES_WITH_LAYOUT } from './fi-layouts.js';
import { FI_BODY_CASES as CASES, SPELLINGS, holder, respell, wrap } from './test-support/fi-bodies.js';

const STREAM_FILLS = ['session_id', 'consent_id', 'link_reference_number', 'fi_type', 'fetched_at'];

/** The expected keys of a row; a column the row leaves out (no value) reads as null. */
function pick(row: Row | undefined, expected: Row): Row {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, row?.[k] ?? null]));
}

describe('normalizeFiAccount: every FI type, every spelling', () => {
  it('has a case for every FI type with a layout', () => {
    expect(new Set(CASES.map((c) => c.fiType))).toEqual(new Set(FI_TYPES_WITH_LAYOUT));
  });

  for (const [spelling, spell] of Object.entries(SPELLINGS)) {
    for (const singleObjects of [false, true]) {
      it.each(CASES)(`${spelling}${singleObjects ? ', one-element lists as objects' : ''}: $fiType`, (c) => {
        const account = respell(wrap(c.fiType, c.body), spell, singleObjects) as Row;
        const n = normalizeFiAccount(account);
        expect(n.unmapped).toEqual([]);
        expect(n.fiType).toBe(c.fiType);
        expect(n.link).toBe(`L-${c.fiType}`);
        expect(n.maskedNumber).toBe('XXXX1234');
        expect(n.holdersType).toBe('SINGLE');
        expect(n.holders).toEqual([holder]);
        expect(n.transactionCount).toBe(c.transactions);
        expect(n.transactions).toHaveLength(c.transactions);
        expect(n.holdingCount).toBe(c.holdings);
        expect(n.holdings).toHaveLength(c.holdings);
        if (c.txn) expect(pick(n.transactions[0], c.txn)).toEqual(c.txn);
        if (c.holding) expect(pick(n.holdings[0], c.holding)).toEqual(c.holding);
        if (c.summary) expect(pick(n.summaryColumns, c.summary)).toEqual(c.summary);
        for (const row of [...n.transactions, ...n.holdings]) {
          // Only the keys the stream fills are null; a column without a value is left out.
          for (const [k, v] of Object.entries(row)) if (k !== 'extra') expect(v === null ? STREAM_FILLS.includes(k) : typeof v === 'string', k).toBe(true);
        }
        expect(new Set(n.transactions.map((t) => t['txn_id'])).size).toBe(c.transactions);
        expect(new Set(n.holdings.map((h) => h['holding_id'])).size).toBe(c.holdings);
      });
    }
  }

  it('reads the earlier lower-camel shape: profile.holders.holder and a bare transactions array', () => {
    const n = normalizeFiAccount({
      linkRefNumber: 'L1', maskedAccNumber: 'XX12', fiType: 'DEPOSIT',
      profile: { holders: { type: 'JOINT', holder: { name: 'A' } } },
      summary: { currentBalance: 10.5, currency: 'INR', type: 'SAVINGS' },
      transactions: [{ txnId: 't1', amount: '5.00', currentBalance: 10.5, type: 'CREDIT', mode: 'UPI', future: true }],
    });
    expect(n).toMatchObject({ link: 'L1', maskedNumber: 'XX12', holdersType: 'JOINT', holders: [{ name: 'A' }], transactionCount: 1, unmapped: [] });
    expect(n.summaryColumns).toMatchObject({ current_balance: '10.5', account_type: 'SAVINGS' });
    expect(n.transactions[0]).toMatchObject({ txn_id: 't1', amount: '5.00', current_balance: '10.5', extra: { future: true } });
  });

  it('reads every link and masked-number alias, snake_case included', () => {
    for (const key of ['linkReferenceNumber', 'linkRefNumber', 'linkedAccRef', 'link_reference_number', 'link_ref_number', 'linked_acc_ref']) {
      expect(normalizeFiAccount({ fiType: 'DEPOSIT', [key]: 'L' }).link, key).toBe('L');
    }
    expect(normalizeFiAccount({ fiType: 'DEPOSIT', linkRefNumber: 42 }).link).toBe('42');
    expect(normalizeFiAccount({ fiType: 'DEPOSIT', linkRefNumber: '' }).link).toBeUndefined();
    for (const key of ['maskedAccountNumber', 'maskedAccNumber', 'maskedDematId', 'maskedDematID', 'maskedFolioNo', 'maskedPolicyNumber', 'maskedGstinNumber', 'maskedPranId', 'masked_pran_id']) {
      expect(normalizeFiAccount({ fiType: 'NPS', [key]: 'XX' }).maskedNumber, key).toBe('XX');
    }
  });

  it('reads empty lists in every form as none, and "" values as null', () => {
    for (const empty of [[], '', null, {}]) {
      const n = normalizeFiAccount({ fiType: 'DEPOSIT', Profile: { Holders: { Holder: empty } }, Summary: { currentBalance: '', Pending: empty }, Transactions: { Transaction: empty } });
      expect(n.transactionCount).toBe(empty !== null && typeof empty === 'object' && !Array.isArray(empty) ? 1 : 0);
      expect(n.holders).toEqual(empty !== null && typeof empty === 'object' && !Array.isArray(empty) ? [{}] : []);
      expect(n.summaryColumns['current_balance']).toBeNull();
      expect(n.unmapped).toEqual([]);
    }
    expect(normalizeFiAccount({ fiType: 'DEPOSIT' })).toMatchObject({ holders: null, summary: null, transactionCount: 0, holdingCount: 0, unmapped: [] });
    expect(normalizeFiAccount({ fiType: 'DEPOSIT', Transactions: '' }).transactionCount).toBe(0);
  });

  it('gives a transaction without txnId a stable id from its content, numbering identical twins', () => {
    const twin = { type: 'DEBIT', amount: '10', transactionTimestamp: '2025-01-01T00:00:00Z' };
    const other = { type: 'DEBIT', amount: '11', transactionTimestamp: '2025-01-01T00:00:00Z' };
    const ids = (list: Row[]) => normalizeFiAccount({ fiType: 'DEPOSIT', Transactions: { Transaction: list } }).transactions.map((t) => t['txn_id']);
    const [a, b, c] = ids([twin, other, { ...twin }]);
    expect(a).toMatch(/^h:/);
    expect(c).toBe(`${a}#2`);
    expect(b).not.toBe(a);
    // Not its position: another transaction before it, or keys in another order, keep the id.
    expect(ids([other, { amount: '10', transactionTimestamp: '2025-01-01T00:00:00Z', type: 'DEBIT' }])).toEqual([b, a]);
    expect(ids([{ ...twin, txnId: '' }])[0]).toMatch(/^h:/);
  });

  it('tells holdings apart by content when identity fields repeat, and numbers identical twins', () => {
    const h = { isin: 'INE1', units: '1' };
    const rows = normalizeFiAccount({ fiType: 'EQUITIES', Summary: { Investment: { Holdings: { Holding: [h, { isin: 'INE1', units: '2' }, { ...h }, { units: '3' }] } } } }).holdings;
    const ids = rows.map((r) => r['holding_id'] as string);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toMatch(/^INE1:/);
    expect(ids[2]).toBe(`${ids[0]}#2`);
    expect(ids[3]).toMatch(/^h:/);
  });

  it('prefers the better alias when an element carries two, keeping the other in extra', () => {
    const n = normalizeFiAccount({ fiType: 'DEPOSIT', Transactions: { Transaction: { txnId: 't', balance: '1', currentBalance: '2', txnDate: '2025-01-01', transactionTimestamp: '' } } });
    expect(n.transactions[0]).toMatchObject({ current_balance: '2', transaction_timestamp: '2025-01-01T00:00:00.000Z', extra: { balance: '1' } });
  });
});

describe('normalizeFiAccount: nothing silent', () => {
  it('lists an fiType without a layout and reads it with the generic one', () => {
    const n = normalizeFiAccount({ fiType: 'CRYPTO', Summary: { Holdings: { Holding: { isin: 'X', units: '1' } } }, Transactions: { Transaction: [{ txnId: 'c1', amount: '1' }] } });
    expect(n.layout).toBe('generic');
    expect(n.unmapped).toEqual(['fiType']);
    expect(n.transactionCount).toBe(1);
    expect(n.holdingCount).toBe(1);
    expect(normalizeFiAccount({}).unmapped).toEqual(['fiType (absent)']);
  });

  it('lists every list or object under Summary or Transactions it has no mapping for, once per path', () => {
    const n = normalizeFiAccount({
      fiType: 'DEPOSIT',
      Summary: { currentBalance: '1', Pending: { amount: '1' }, Loans: { Loan: [{ amount: '5' }] }, Nothing: {}, Empty: [] },
      Transactions: { startDate: '2025-01-01', Transaction: [{ txnId: 'a' }], StandingInstructions: [{ id: 1 }, { id: 2 }] },
    });
    expect(n.unmapped).toEqual(['Summary.Loans', 'Transactions.StandingInstructions']);
    const equities = normalizeFiAccount({ fiType: 'EQUITIES', Summary: { Investment: { Holdings: { Holding: [] }, Pledges: { Pledge: {} } } } });
    expect(equities.unmapped).toEqual(['Summary.Investment.Pledges']);
    // A deposit with holdings is not a deposit this layout reads: reported, not guessed.
    expect(normalizeFiAccount({ fiType: 'DEPOSIT', Summary: { Holdings: { Holding: [{ isin: 'x' }] } } }).unmapped).toEqual(['Summary.Holdings']);
  });

  it('reports an NPS body whose Transactions is one bare list (which tier?) instead of guessing', () => {
    const n = normalizeFiAccount({ fiType: 'NPS', Transactions: [{ txnId: 'x' }] });
    expect(n.transactionCount).toBe(0);
    expect(n.unmapped).toEqual(['Transactions (a list where ReBIT has a container)']);
  });

  it('keeps a date that is no date in extra and reports it; refuses an amount that is no number', () => {
    const n = normalizeFiAccount({ fiType: 'DEPOSIT', Transactions: { Transaction: [{ txnId: 'a', transactionTimestamp: 'yesterday', valueDate: '31/12/2025' }, { txnId: 'b', transactionTimestamp: 'soon' }] } });
    expect(n.transactions[0]).toMatchObject({ extra: { transactionTimestamp: 'yesterday', valueDate: '31/12/2025' } });
    expect(n.transactions[0]).not.toHaveProperty('transaction_timestamp');
    expect(n.transactions[0]).not.toHaveProperty('value_date');
    expect(n.unmapped).toEqual(['Transactions.Transaction.transactionTimestamp (not a date-time)', 'Transactions.Transaction.valueDate (not a date)']);
    for (const bad of [{ v: 1 }, ['5'], 'five', true]) {
      expect(() => normalizeFiAccount({ fiType: 'DEPOSIT', Transactions: { Transaction: { txnId: 't', amount: bad } } })).toThrow(FiValueError);
    }
    try {
      normalizeFiAccount({ fiType: 'DEPOSIT', Summary: { currentBalance: 'lots' } });
    } catch (error) {
      expect(error).toBeInstanceOf(FiValueError);
      expect((error as FiValueError).path).toBe('Summary.currentBalance');
    }
  });

  it('builds no rows it is not asked for, and still counts them', () => {
    const c = CASES.find((x) => x.fiType === 'NPS')!;
    const n = normalizeFiAccount(wrap('NPS', c.body), { holdings: false, transactions: false });
    expect(n).toMatchObject({ holdings: [], transactions: [], holdingCount: 3, transactionCount: 3 });
  });
});
