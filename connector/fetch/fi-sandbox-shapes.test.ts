import { afterAll, describe, expect, it } from 'vitest';
import { recordValidator } from '../../integration_tests/support/record-validator.js';
import { FI_SHAPES, startSandbox, type FiShape, type Sandbox } from '../../sandbox/index.js';
import { readyFiSession, sandboxClient } from '../finpro/test-support/fi-session.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { StateManager } from '../state/state-manager.js';
import { FiDataHarvester } from './fi-data-harvester.js';

type Obj = Record<string, unknown>;

/**
 * The harvester against the sandbox in each FI shape it serves (FinPro's capitalised shape,
 * lower-case containers, every spelling mixed by FIP) and every FI type it generates: the
 * counts the sandbox says it served per session are exactly the records emitted, holders and
 * balances are filled, every record validates against its stream's schema, date-times are
 * UTC with milliseconds and decimals exact (no exponent, no float).
 */
const sandboxes: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

const UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const DECIMAL_COLUMNS = ['amount', 'current_balance', 'units', 'price', 'nav', 'trade_value', 'value', 'cost_value', 'face_value', 'current_value', 'investment_value', 'principal_amount', 'interest_rate', 'maturity_amount', 'sum_assured', 'premium_amount'];

describe.each(FI_SHAPES)('the sandbox in its %s shape, end to end', (fiShape: FiShape) => {
  it('emits every account, transaction and holding served, filled and valid', async () => {
    const sandbox = await startSandbox({ consents: 80, speed: 1000, seed: 91, fiShape, rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
    sandboxes.push(sandbox);
    const client = sandboxClient(sandbox);
    const sink = new CollectingSink();
    const warnings: string[] = [];
    const state = new StateManager(['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings'], new Map(), sink);
    const harvester = new FiDataHarvester(client, state, Date.now, (m) => warnings.push(m));
    const sessions: string[] = [];
    for (const consent of sandbox.consents('ACTIVE').slice(0, 40)) {
      const sessionId = await readyFiSession(client, consent.id);
      const result = await harvester.harvest({ consentId: consent.id, sessionId });
      if (result.ok) sessions.push(sessionId);
    }
    const served = sandbox.stats().getallfidata;
    const expected = { accounts: 0, transactions: 0, holdings: 0 };
    const types = new Set<string>();
    for (const id of sessions) {
      const s = served.sessions[id]!;
      expected.accounts += s.accounts;
      expected.transactions += s.transactions;
      expected.holdings += s.holdings;
      for (const t of Object.keys(s.by_fi_type)) types.add(t);
    }
    expect(types.size, [...types].join(',')).toBeGreaterThanOrEqual(6);
    expect(expected.holdings).toBeGreaterThan(0);
    expect(harvester.totals).toEqual(expected);

    const records = sink.messages.flatMap((m) => (m.type === 'RECORD' ? [m.record] : []));
    const by = (stream: string) => records.filter((r) => r.stream === stream).map((r) => r.data as Obj);
    expect(by('fi_accounts')).toHaveLength(expected.accounts);
    expect(by('fi_transactions')).toHaveLength(expected.transactions);
    expect(by('fi_holdings')).toHaveLength(expected.holdings);
    // Unique keys: nothing collapses when a destination de-duplicates.
    expect(new Set(by('fi_transactions').map((t) => `${t['session_id']}|${t['link_reference_number']}|${t['txn_id']}`)).size).toBe(expected.transactions);
    expect(new Set(by('fi_holdings').map((h) => `${h['session_id']}|${h['link_reference_number']}|${h['holding_id']}`)).size).toBe(expected.holdings);
    expect(warnings.filter((w) => /does not map|no layout/.test(w))).toEqual([]);

    for (const stream of ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']) {
      const validate = recordValidator(stream);
      for (const record of by(stream)) expect(validate(record) ? [] : validate.errors, stream).toEqual([]);
    }
    for (const account of by('fi_accounts')) {
      expect((account['holders'] as unknown[] | null)?.length ?? 0, `${account['fi_type']} holders`).toBeGreaterThan(0);
      if (account['fi_type'] === 'DEPOSIT') expect(account['current_balance'], 'deposit balance').not.toBeNull();
      expect(account['masked_account_number'], 'masked number').not.toBeNull();
    }
    for (const record of [...by('fi_transactions'), ...by('fi_holdings'), ...by('fi_accounts')]) {
      for (const column of DECIMAL_COLUMNS) if (typeof record[column] === 'string') expect(record[column], column).toMatch(DECIMAL);
      for (const column of ['transaction_timestamp', 'balance_date_time']) if (record[column] != null) expect(record[column], column).toMatch(UTC_MS);
    }
  });
});
