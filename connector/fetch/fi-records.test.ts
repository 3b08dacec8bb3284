import { describe, expect, it } from 'vitest';
import { SystemError } from '../errors/connector-errors.js';
import { decimalText } from './decimal-text.js';
import { linkReferenceOf } from './fi-record-context.js';
import { fiAccountRecord } from '../streams/fi-accounts-stream.js';
import { fiDataRecord } from '../streams/fi-data-stream.js';
import { fiTransactionRecord } from '../streams/fi-transactions-stream.js';

const ctx = { consentId: 'c1', sessionId: 's1', fetchedAt: '2026-03-10T12:00:00.000Z' };

describe('decimalText', () => {
  it('keeps decimal strings and turns numbers into their exact text', () => {
    expect(decimalText('1234.50')).toBe('1234.50');
    expect(decimalText(' +7.0 ')).toBe('7.0');
    expect(decimalText(100.1)).toBe('100.1');
    expect(decimalText(0.1 + 0.2 === 0.3 ? 1 : 0.3)).toBe('0.3');
    expect(decimalText(1e21)).toBe('1000000000000000000000');
    expect(decimalText(1.5e-7)).toBe('0.00000015');
    expect(decimalText('abc')).toBeNull();
    expect(decimalText(null)).toBeNull();
  });
});

describe('record mappers', () => {
  const account = {
    linkRefNumber: 'L1',
    maskedAccountNumber: 'XX12',
    fiType: 'DEPOSIT',
    fipId: 'F',
    bank: 'B',
    profile: { holders: { type: 'SINGLE', holder: { name: 'A' } } },
    summary: { currentBalance: 10.5, currency: 'INR', type: 'SAVINGS', extra: 1 },
    transactions: [{ txnId: 't1', amount: '5.00', currentBalance: 10.5, type: 'CREDIT', mode: 'UPI', future: true }],
  };

  it('normalizes the link reference spellings', () => {
    expect(linkReferenceOf({ linkReferenceNumber: 'a' })).toBe('a');
    expect(linkReferenceOf({ linkRefNumber: 'b' })).toBe('b');
    expect(linkReferenceOf({ linkedAccRef: 'c' })).toBe('c');
    expect(linkReferenceOf({})).toBeUndefined();
  });

  it('keeps the raw account unchanged in fi_data', () => {
    const record = fiDataRecord(account, 'L1', ctx);
    expect(record['data']).toBe(account);
    expect(record).toMatchObject({ consent_id: 'c1', session_id: 's1', link_reference_number: 'L1', fetched_at: ctx.fetchedAt });
  });

  it('always gives holders as an array and amounts as exact strings', () => {
    const record = fiAccountRecord(account, 'L1', ctx);
    expect(record['holders']).toEqual([{ name: 'A' }]);
    expect(record['current_balance']).toBe('10.5');
    expect(fiAccountRecord({ ...account, profile: { holders: { holder: [{ name: 'A' }, { name: 'B' }] } } }, 'L1', ctx)['holders']).toHaveLength(2);
    const txn = fiTransactionRecord(account.transactions[0]!, 0, 'L1', ctx);
    expect(txn).toMatchObject({ txn_id: 't1', amount: '5.00', current_balance: '10.5', consent_id: 'c1', session_id: 's1' });
    expect(Object.keys(txn)).not.toContain('future');
  });

  it('refuses an amount that is neither a decimal string nor a number, naming field, consent and session', () => {
    for (const bad of [{ value: '5.00' }, ['5'], 'five', '', true]) {
      expect(() => fiTransactionRecord({ txnId: 't', amount: bad }, 0, 'L1', ctx)).toThrow(SystemError);
      expect(() => fiTransactionRecord({ txnId: 't', amount: bad }, 0, 'L1', ctx)).toThrow(/transactions\[\]\.amount.*c1.*s1/);
    }
    expect(() => fiAccountRecord({ ...account, summary: { currentBalance: {} } }, 'L1', ctx)).toThrow(/summary\.currentBalance/);
    // Absent stays null (the schema allows it).
    expect(fiTransactionRecord({ txnId: 't' }, 0, 'L1', ctx)).toMatchObject({ amount: null, current_balance: null });
    expect(fiTransactionRecord({ txnId: 't', amount: null }, 0, 'L1', ctx)['amount']).toBeNull();
  });
});
