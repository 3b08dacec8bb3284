import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../index.js';
import { holdingsOf, transactionsOf } from '../test-support/fi-shape-reader.js';
import { post } from '../test-support/sandbox-test-client.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ consents: 30, speed: 500, fiShape: 'finpro' });
});
afterAll(() => sandbox.close());

describe('/_sandbox introspection', () => {
  it('lists consents, filtered by scenario', async () => {
    const all = (await (await fetch(`${sandbox.url}/_sandbox/consents`)).json()) as any;
    expect(all.count).toBe(30);
    expect(all.consents[0]).toEqual({ id: sandbox.consents()[0]!.id, scenario: sandbox.consents()[0]!.scenario, account_count: sandbox.consents()[0]!.account_count });
    const active = (await (await fetch(`${sandbox.url}/_sandbox/consents?scenario=ACTIVE`)).json()) as any;
    expect(active.consents.every((c: any) => c.scenario === 'ACTIVE')).toBe(true);
    expect((await fetch(`${sandbox.url}/_sandbox/consents?scenario=NOPE`)).status).toBe(400);
  });

  it('counts requests, schedules, FI requests, sessions and data served; resets', async () => {
    const consent = sandbox.consents('ACTIVE')[0]!;
    await post(sandbox, '/v2/schedule/fi/requests', { reference_id: 'stats-batch', consents_list: [{ consent_id: consent.id }, { consent_id: consent.id }] });
    await new Promise((r) => setTimeout(r, 30));
    await post(sandbox, '/getallfidata', { consentID: consent.id });
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as any;
    expect(stats).toEqual(sandbox.stats());
    expect(Object.keys(stats).sort()).toEqual(
      ['batches_created', 'faults', 'fi_requests', 'getallfidata', 'rate_limited', 'requests', 'schedule_calls', 'sessions_created', 'since', 'started_at'].sort(),
    );
    expect(stats.requests.by_route['/v2/schedule/fi/requests']).toEqual({ '200': 1 });
    expect(stats.schedule_calls).toEqual({ 'stats-batch': 1 });
    expect(stats.batches_created).toEqual({ 'stats-batch': 1 });
    expect(stats.fi_requests[consent.id].count).toBe(2);
    expect(stats.fi_requests[consent.id].requests[0]).toMatchObject({ source: 'bulk', reference_id: 'stats-batch', session_id: expect.any(String) });
    expect(stats.sessions_created).toBe(2);
    expect(stats.getallfidata.requests).toBe(1);
    expect(stats.getallfidata.accounts).toBeGreaterThan(0);
    expect((await fetch(`${sandbox.url}/_sandbox/reset-stats`, { method: 'POST' })).status).toBe(200);
    expect(sandbox.stats().getallfidata.sessions).toEqual({});
    expect(sandbox.stats().requests.total).toBe(0);
  });

  it('counts per session what /getallfidata served, by fi_type: accounts, transactions, holdings', async () => {
    // Consents until one holds an investment account, so holdings are counted too.
    const served: any[] = [];
    for (const consent of sandbox.consents('ACTIVE')) {
      const { body } = await post(sandbox, '/fi/request', { consentId: consent.id });
      await new Promise((r) => setTimeout(r, 20));
      const answer = await post(sandbox, '/getallfidata', { consentID: consent.id, sessionId: body.data.sessionId });
      expect(answer.status).toBe(200);
      served.push(answer.body);
      if (answer.body.data.some((a: any) => holdingsOf(a).length > 0) && served.length >= 3) break;
    }
    const again = served[0];
    await post(sandbox, '/getallfidata', { consentID: again.consentID, sessionId: again.sessionId });
    const stats = sandbox.stats().getallfidata;
    let holdings = 0;
    for (const answer of served) {
      const expected: Record<string, { accounts: number; transactions: number; holdings: number }> = {};
      for (const account of answer.data) {
        const e = (expected[account.fiType] ??= { accounts: 0, transactions: 0, holdings: 0 });
        e.accounts++;
        e.transactions += transactionsOf(account).length;
        e.holdings += holdingsOf(account).length;
        holdings += holdingsOf(account).length;
      }
      const session = stats.sessions[answer.sessionId]!;
      expect(session.consent_id).toBe(answer.consentID);
      expect(session.by_fi_type).toEqual(expected);
      expect(session.transactions).toBe(Object.values(expected).reduce((n, e) => n + e.transactions, 0));
      expect(session.requests).toBe(answer === again ? 2 : 1);
    }
    expect(holdings).toBeGreaterThan(0);
    expect(stats.holdings).toBeGreaterThanOrEqual(holdings);
  });
});
