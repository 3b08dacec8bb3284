import { describe, expect, it } from 'vitest';
import { recordValidator } from '../../integration_tests/support/record-validator.js';
import { normalizeFiAccount } from '../fi-normalize/fi-account-normalizer.js';
import { FI_BODY_CASES, SPELLINGS, respell, wrap } from '../fi-normalize/test-support/fi-bodies.js';
import { fiAccountRecord } from '../streams/fi-accounts-stream.js';
import { fiDataRecord } from '../streams/fi-data-stream.js';
import { fiHoldingRecord } from '../streams/fi-holdings-stream.js';
import { fiTransactionRecord } from '../streams/fi-transactions-stream.js';

const ctx = { consentId: 'c1', sessionId: 's1', fetchedAt: '2026-03-10T12:00:00.000Z' };

/** Every record the harvester would emit for `account`, by stream. */
function recordsOf(account: Record<string, unknown>) {
  const n = normalizeFiAccount(account);
  const link = n.link ?? 'unlinked-0';
  return {
    n,
    fi_data: [fiDataRecord(account, n, link, ctx)],
    fi_accounts: [fiAccountRecord(account, n, link, ctx)],
    fi_transactions: n.transactions.map((row) => fiTransactionRecord(row, n.fiType, link, ctx)),
    fi_holdings: n.holdings.map((row) => fiHoldingRecord(row, n.fiType, link, ctx)),
  };
}

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

  it('keeps the raw account unchanged in fi_data', () => {
    const record = recordsOf(account).fi_data[0]!;
    expect(record['data']).toBe(account);
    expect(record).toMatchObject({ consent_id: 'c1', session_id: 's1', link_reference_number: 'L1', fi_type: 'DEPOSIT', fip_id: 'F', masked_account_number: 'XX12', fetched_at: ctx.fetchedAt });
  });

  it('always gives holders as an array and amounts as exact strings; unknown transaction fields go to extra', () => {
    const { fi_accounts, fi_transactions } = recordsOf(account);
    expect(fi_accounts[0]).toMatchObject({ holders: [{ name: 'A' }], holders_type: 'SINGLE', current_balance: '10.5', bank: 'B', summary: account.summary });
    expect(fi_transactions[0]).toMatchObject({ txn_id: 't1', amount: '5.00', current_balance: '10.5', consent_id: 'c1', session_id: 's1', fi_type: 'DEPOSIT', extra: { future: true } });
    expect(Object.keys(fi_transactions[0]!)).not.toContain('future');
  });

  it('gives every stream the same keys first and the cursor last', () => {
    const records = recordsOf(wrap('NPS', FI_BODY_CASES.find((c) => c.fiType === 'NPS')!.body));
    for (const record of [...records.fi_transactions, ...records.fi_holdings]) {
      expect(Object.keys(record).slice(0, 4)).toEqual(['session_id', 'consent_id', 'link_reference_number', 'fi_type']);
      expect(Object.keys(record).at(-1)).toBe('fetched_at');
    }
  });

  it.each(Object.keys(SPELLINGS))('every record of every FI type validates against its stream schema (%s)', (spelling) => {
    for (const c of FI_BODY_CASES) {
      for (const singleObjects of [false, true]) {
        const records = recordsOf(respell(wrap(c.fiType, c.body), SPELLINGS[spelling]!, singleObjects) as Record<string, unknown>);
        expect(records.fi_transactions).toHaveLength(c.transactions);
        expect(records.fi_holdings).toHaveLength(c.holdings);
        for (const stream of ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings'] as const) {
          const validate = recordValidator(stream);
          for (const record of records[stream]) expect(validate(record) ? [] : validate.errors, `${c.fiType} ${stream}`).toEqual([]);
        }
      }
    }
  });
});
