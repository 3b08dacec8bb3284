import { describe, expect, it } from 'vitest';
import { FI_SHAPES } from '../../sandbox/index.js';
import { recordSchemaErrors, useSandbox } from '../support/index.js';
import { readAll } from './read-harness.js';

type Counts = Record<string, { accounts: number; transactions: number; holdings: number }>;

/**
 * The built CLI against the sandbox serving its FI data in each shape (FinPro's capitalised
 * ReBIT elements, lower-case containers, and every FIP its own mix of the contract's
 * spellings), every FI type of the population. The sandbox counts what it served per session
 * and fiType (/_sandbox/stats getallfidata.sessions); the read must emit exactly that many
 * accounts, transactions and holdings, valid against their schemas, and warn about no part
 * it could not map.
 */
describe.each(FI_SHAPES)('read: FI data in the %s shape', (fiShape) => {
  const sandbox = useSandbox({ consents: 500, speed: 50, seed: 42, fiShape });

  it('emits every account, transaction and holding the sandbox served, by session and fi_type', async () => {
    const ids = sandbox().consents('ACTIVE').map((c) => c.id);
    const output = await readAll(sandbox(), ids, { streams: ['fi_accounts', 'fi_transactions', 'fi_holdings'], run: { timeoutMs: 120_000 } });
    expect(output.exitCode, output.stderr).toBe(0);

    const served = sandbox().stats().getallfidata.sessions;
    const expected: Record<string, Counts> = {};
    for (const [session, s] of Object.entries(served)) expected[session] = s.by_fi_type;
    const emitted: Record<string, Counts> = {};
    const bump = (stream: 'accounts' | 'transactions' | 'holdings', record: Record<string, unknown>) => {
      const byType = (emitted[String(record['session_id'])] ??= {});
      const c = (byType[String(record['fi_type'])] ??= { accounts: 0, transactions: 0, holdings: 0 });
      c[stream]++;
    };
    for (const r of output.recordsByStream.get('fi_accounts') ?? []) bump('accounts', r);
    for (const r of output.recordsByStream.get('fi_transactions') ?? []) bump('transactions', r);
    for (const r of output.recordsByStream.get('fi_holdings') ?? []) bump('holdings', r);
    expect(emitted).toEqual(expected);

    // Every FI type the sandbox generates was served, with holdings where the type has them.
    const types = new Map<string, { transactions: number; holdings: number }>();
    for (const byType of Object.values(expected)) {
      for (const [t, c] of Object.entries(byType)) {
        const sum = types.get(t) ?? { transactions: 0, holdings: 0 };
        types.set(t, { transactions: sum.transactions + c.transactions, holdings: sum.holdings + c.holdings });
      }
    }
    expect([...types.keys()].sort()).toEqual(
      ['BONDS', 'DEBENTURES', 'DEPOSIT', 'EQUITIES', 'ETF', 'GOVT_SECURITIES', 'INSURANCE_POLICIES', 'MUTUAL_FUNDS', 'NPS', 'RECURRING_DEPOSIT', 'SIP', 'TERM_DEPOSIT'],
    );
    for (const t of ['EQUITIES', 'MUTUAL_FUNDS', 'ETF', 'SIP', 'BONDS', 'DEBENTURES', 'GOVT_SECURITIES', 'NPS']) expect(types.get(t)!.holdings, t).toBeGreaterThan(0);

    expect(recordSchemaErrors(output)).toEqual([]);
    const unmapped = output.logs.filter((l) => l.level === 'WARN' && /does not map|no layout/.test(l.message));
    expect(unmapped.map((l) => l.message)).toEqual([]);
    for (const t of output.recordsByStream.get('fi_transactions') ?? []) {
      const at = t['transaction_timestamp'];
      if (at !== null && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(String(at))) throw new Error(`not UTC: ${String(at)}`);
    }
  });
});
