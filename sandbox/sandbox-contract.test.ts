import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { transactionsOf } from './test-support/fi-shape-reader.js';
import { post, sleep, waitForBatch } from './test-support/sandbox-test-client.js';

const DAY = 86_400_000;
const yearAgo = () => new Date(Date.now() - 365 * DAY).toISOString();
const justNow = () => new Date(Date.now() - 1000).toISOString();

let fast: Sandbox;
let slow: Sandbox;

beforeAll(async () => {
  fast = await startSandbox({ consents: 400, speed: 200, fiShape: 'finpro' });
  slow = await startSandbox({ consents: 50, speed: 0.01 });
});
afterAll(async () => {
  await fast.close();
  await slow.close();
});

const consentOf = (sandbox: Sandbox, scenario: Parameters<Sandbox['consents']>[0]) => {
  const c = sandbox.consents(scenario)[0];
  if (!c) throw new Error(`no ${scenario} consent in this population`);
  return c;
};

describe('transport', () => {
  it.each(['client_id', 'client_secret', 'appIdentifier', 'organisationId'])('answers 401 without %s', async (header) => {
    const res = await post(fast, '/bulk/status', { reference_id: 'x' }, { [header]: undefined });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ ver: expect.any(String), timestamp: expect.any(String), errorCode: 'Unauthorized' });
    expect(res.body.errorMsg).toContain(header);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
  });

  it('answers 401 for a wrong secret', async () => {
    const res = await post(fast, '/fi/request', { consentId: 'x' }, { client_secret: 'nope' });
    expect(res.status).toBe(401);
  });

  it('answers 404 for unknown routes and 405 for other methods, with the envelope', async () => {
    expect((await post(fast, '/nope', {})).body.errorCode).toBe('NotFound');
    const res = await fetch(`${fast.url}/bulk/status`);
    expect(res.status).toBe(405);
    expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('rejects malformed JSON and a non-JSON Content-Type', async () => {
    expect((await post(fast, '/fi/request', '{oops')).body.errorCode).toBe('InvalidRequest');
    expect((await post(fast, '/getallfidata', '{oops')).body.errorCode).toBe('InvalidPayload');
    const res = await post(fast, '/fi/request', { consentId: 'x' }, { 'Content-Type': 'text/plain' });
    expect(res.body.errorMsg).toContain('Content-Type');
  });
});

describe('single FI request', () => {
  it('creates a session that goes PENDING -> DATA_READY, and getallfidata serves it', async () => {
    const consent = consentOf(fast, 'ACTIVE');
    const res = await post(fast, '/fi/request', { consentId: consent.id, fiDataRangeFrom: yearAgo(), fiDataRangeTo: justNow() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response: 'ok', data: { consentId: consent.id, sessionId: expect.any(String) } });
    const sessionId = res.body.data.sessionId;
    let status;
    for (let i = 0; i < 100; i++) {
      status = await post(fast, '/consent/firequest/status', { sessionId });
      if (status.body.data.eventStatus !== 'PENDING') break;
      await sleep(10);
    }
    expect(status?.body.data).toMatchObject({ sessionId, consentId: consent.id, eventStatus: 'DATA_READY', dataExpiry: expect.any(String) });
    expect(status?.body.data.linkRefNumbers).toHaveLength(consent.account_count);
    const byConsent = await post(fast, '/consent/firequest/status', { consentId: consent.id });
    expect(byConsent.body.data.sessionId).toBe(sessionId);

    const data = await post(fast, '/getallfidata', { consentID: consent.id, sessionId });
    expect(data.status).toBe(200);
    expect(data.body).toMatchObject({ status: 'success', sessionId });
    expect(data.body.data.length).toBe(consent.accounts.filter((a) => a.delivered).length);
  });

  it('without a range uses the consent range first, then fetches incrementally since the last fetch', async () => {
    const consent = fast.consents('ACTIVE')[5]!;
    await post(fast, '/fi/request', { consentId: consent.id });
    await sleep(30);
    await post(fast, '/fi/request', { consentId: consent.id });
    const [first, second] = fast.stats().fi_requests[consent.id]!.requests;
    expect(first!.fiDataRangeFrom).toBe(consent.consentRangeFrom);
    expect(second!.fiDataRangeFrom).toBe(first!.fiDataRangeTo);
    expect(Date.parse(second!.fiDataRangeTo!)).toBeGreaterThan(Date.parse(first!.fiDataRangeTo!));
  });

  it('is PENDING until processed, and getallfidata says NoDataAvailable meanwhile', async () => {
    const consent = consentOf(slow, 'ACTIVE');
    const res = await post(slow, '/fi/request', { consentId: consent.id });
    const status = await post(slow, '/consent/firequest/status', { sessionId: res.body.data.sessionId });
    expect(status.body.data.eventStatus).toBe('PENDING');
    expect(status.body.data.linkRefNumbers.every((l: any) => l.fiStatus === 'PENDING')).toBe(true);
    const data = await post(slow, '/getallfidata', { consentID: consent.id });
    expect(data.body.errorCode).toBe('NoDataAvailable');
  });

  it.each([
    ['REVOKED', 'ConsentRevoked'],
    ['EXPIRED', 'ConsentExpired'],
    ['PAUSED', 'ConsentPaused'],
    ['QUOTA', 'QuotaExceeded'],
  ] as const)('fails a %s consent with 400 %s', async (scenario, code) => {
    const res = await post(fast, '/fi/request', { consentId: consentOf(fast, scenario).id });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe(code);
  });

  it('validates the payload, naming the field', async () => {
    expect((await post(fast, '/fi/request', { consentId: 'no-such-consent' })).body.errorCode).toBe('InvalidConsentId');
    const missing = await post(fast, '/fi/request', {});
    expect(missing.body).toMatchObject({ errorCode: 'InvalidRequest', errorMsg: expect.stringContaining('consentId') });
    const badDate = await post(fast, '/fi/request', { consentId: consentOf(fast, 'ACTIVE').id, fiDataRangeFrom: '23/11/2026' });
    expect(badDate.body).toMatchObject({ errorCode: 'InvalidRequest', errorMsg: expect.stringContaining('fiDataRangeFrom') });
    const future = await post(fast, '/fi/request', { consentId: consentOf(fast, 'ACTIVE').id, fiDataRangeTo: new Date(Date.now() + DAY).toISOString() });
    expect(future.body.errorCode).toBe('InvalidDateRange');
  });

  it('DATE_RANGE: names the consent range, and a clamped retry succeeds', async () => {
    const consent = consentOf(fast, 'DATE_RANGE');
    const res = await post(fast, '/fi/request', { consentId: consent.id, fiDataRangeFrom: yearAgo(), fiDataRangeTo: justNow() });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('InvalidDateRange');
    expect(res.body.details).toEqual({ consentRangeFrom: consent.consentRangeFrom, consentRangeTo: consent.consentRangeTo });
    expect(res.body.errorMsg).toContain(consent.consentRangeFrom);
    const retry = await post(fast, '/fi/request', { consentId: consent.id, fiDataRangeFrom: yearAgo(), fiDataRangeTo: consent.consentRangeTo });
    expect(retry.status).toBe(200);
  });

  it('TRANSIENT: failing attempts end TIMEOUT, a later attempt is DATA_READY', async () => {
    const consent = consentOf(fast, 'TRANSIENT');
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 4 && outcomes.at(-1) !== 'DATA_READY'; attempt++) {
      const { body } = await post(fast, '/fi/request', { consentId: consent.id });
      let status = 'PENDING';
      while (status === 'PENDING') {
        await sleep(10);
        status = (await post(fast, '/consent/firequest/status', { sessionId: body.data.sessionId })).body.data.eventStatus;
      }
      outcomes.push(status);
    }
    expect(outcomes[0]).toBe('TIMEOUT');
    expect(outcomes.at(-1)).toBe('DATA_READY');
    expect(outcomes.length).toBeLessThanOrEqual(3);
  });
});

describe('getallfidata', () => {
  it('requires consentID with a capital ID', async () => {
    const res = await post(fast, '/getallfidata', { consentId: consentOf(fast, 'ACTIVE').id });
    expect(res.body).toMatchObject({ errorCode: 'InvalidRequest', errorMsg: expect.stringContaining('consentID') });
    expect((await post(fast, '/getallfidata', { consentID: 'nope' })).body.errorCode).toBe('InvalidConsentId');
  });

  it('filters transactions by date and leaves out undelivered accounts of a partial session', async () => {
    const consent = fast.consents('ACTIVE').find((c) => c.accounts.some((a) => !a.delivered));
    if (!consent) throw new Error('no partial consent');
    const { body } = await post(fast, '/fi/request', { consentId: consent.id, fiDataRangeFrom: yearAgo(), fiDataRangeTo: justNow() });
    await sleep(40);
    const status = await post(fast, '/consent/firequest/status', { sessionId: body.data.sessionId });
    expect(status.body.data.eventStatus).toBe('DATA_READY');
    const statuses = status.body.data.linkRefNumbers.map((l: any) => l.fiStatus).sort();
    expect(statuses.some((s: string) => s === 'TIMEOUT' || s === 'DENIED')).toBe(true);
    const all = await post(fast, '/getallfidata', { consentID: consent.id });
    expect(all.body.data).toHaveLength(consent.account_count - 1);
    const from = new Date(Date.now() - 90 * DAY).toISOString();
    const to = new Date(Date.now() - 30 * DAY).toISOString();
    const some = await post(fast, '/getallfidata', { consentID: consent.id, transactionsStartDate: from, transactionsEndDate: to });
    let checked = 0;
    for (const account of some.body.data) {
      for (const t of transactionsOf(account)) {
        // Deposits stamp a time (transactionTimestamp / transactionDateTime); insurance and NPS only a date.
        const at: string = t.transactionTimestamp ?? t.transactionDateTime ?? t.txnDate;
        expect(at >= from.slice(0, at.length === 10 ? 10 : undefined) && at <= to).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    const other = consentOf(fast, 'ACTIVE');
    const mismatch = await post(fast, '/getallfidata', { consentID: other.id, sessionId: body.data.sessionId });
    expect(mismatch.body.errorMsg).toContain('sessionId');
  });

  it('answers DataIsDeleted past the data life', async () => {
    const short = await startSandbox({ consents: 20, speed: 500, dataLifeMs: 60 });
    try {
      const consent = short.consents('ACTIVE')[0]!;
      const { body } = await post(short, '/fi/request', { consentId: consent.id });
      await sleep(20);
      expect((await post(short, '/getallfidata', { consentID: consent.id })).status).toBe(200);
      await sleep(80);
      const gone = await post(short, '/getallfidata', { consentID: consent.id, sessionId: body.data.sessionId });
      expect(gone.body.errorCode).toBe('DataIsDeleted');
      const status = await post(short, '/consent/firequest/status', { sessionId: body.data.sessionId });
      expect(status.body.data.eventStatus).toBe('SESSION_EXPIRED');
    } finally {
      await short.close();
    }
  });
});

describe('bulk schedule and status', () => {
  it('validates reference ids, size and rows', async () => {
    const list = [{ consent_id: consentOf(fast, 'ACTIVE').id }];
    for (const ref of ['abcd', 'a'.repeat(61), 'has space', 'dots.not.ok']) {
      const res = await post(fast, '/v2/schedule/fi/requests', { reference_id: ref, consents_list: list });
      expect(res.body.errorCode, ref).toBe('InvalidReferenceId');
    }
    const big = Array.from({ length: 10_001 }, () => list[0]);
    const tooBig = await post(fast, '/v2/schedule/fi/requests', { reference_id: 'too-big-batch', consents_list: big });
    expect(tooBig.body.errorCode).toBe('BatchTooLarge');
    const badRow = await post(fast, '/v2/schedule/fi/requests', { reference_id: 'bad-row-batch', consents_list: [list[0], { consentId: 'x' }] });
    expect(badRow.body).toMatchObject({ errorCode: 'InvalidRequest', errorMsg: expect.stringContaining('consents_list[1].consent_id') });
    const badDate = await post(fast, '/v2/schedule/fi/requests', { reference_id: 'bad-date-batch', fiDataRangeTo: 'yesterday', consents_list: list });
    expect(badDate.body.errorMsg).toContain('fiDataRangeTo');
  });

  it('answers 409 DuplicateReferenceId for a reused reference', async () => {
    const body = { reference_id: 'dup-ref-1', consents_list: [{ consent_id: consentOf(fast, 'ACTIVE').id }] };
    expect((await post(fast, '/v2/schedule/fi/requests', body)).status).toBe(200);
    const again = await post(fast, '/v2/schedule/fi/requests', body);
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('DuplicateReferenceId');
    expect(fast.stats().batches_created['dup-ref-1']).toBe(1);
    expect(fast.stats().schedule_calls['dup-ref-1']).toBe(2);
  });

  it('starts READY with rows READY and no session', async () => {
    const res = await post(slow, '/v2/schedule/fi/requests', { reference_id: 'slow-batch', consents_list: slow.consents().slice(0, 5).map((c) => ({ consent_id: c.id })) });
    expect(res.body.data).toMatchObject({ reference_id: 'slow-batch', status: 'READY', total_records: 5 });
    const status = await post(slow, '/bulk/status', { reference_id: 'slow-batch' });
    expect(status.body.data.batch_status).toBe('READY');
    expect(status.body.data.summary).toEqual({ total: 5, ready: 5, in_progress: 0, completed: 0, failed: 0 });
    expect(status.body.data.records.every((r: any) => r.status === 'READY' && r.session_id === null)).toBe(true);
  });

  it('processes every scenario to its outcome with the contract eligibility', async () => {
    const consents = fast.consents();
    // TRANSIENT consents tried earlier in this file may be past their failing attempts.
    const triedBefore = new Set(Object.keys(fast.stats().fi_requests));
    const consents_list = [
      ...consents.map((c) => ({ consent_id: c.id })),
      { consent_id: 'unknown-consent-id', configId: 'cfg-row' },
    ];
    const res = await post(fast, '/v2/schedule/fi/requests', {
      reference_id: 'all-scenarios',
      fiDataRangeFrom: yearAgo(),
      fiDataRangeTo: justNow(),
      configId: 'cfg-default',
      consents_list,
    });
    expect(res.status).toBe(200);
    const data = await waitForBatch(fast, 'all-scenarios');
    expect(data.batch_status).toBe('COMPLETED');
    expect(data.summary.total).toBe(consents.length + 1);
    expect(data.summary.completed + data.summary.failed).toBe(data.summary.total);
    const rows: any[] = [];
    for (let page = 1; ; page++) {
      const p = await post(fast, '/bulk/status', { reference_id: 'all-scenarios', page, limit: 150 });
      expect(p.body.data.pagination).toMatchObject({ page, limit: 150, total: consents.length + 1, has_prev: page > 1 });
      rows.push(...p.body.data.records);
      if (!p.body.data.pagination.has_next) {
        expect(page).toBe(p.body.data.pagination.total_pages);
        break;
      }
    }
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => i + 1));
    const expected: Record<string, [string | null, string | null]> = {
      ACTIVE: [null, null],
      REVOKED: ['ConsentRevoked', 'No'],
      EXPIRED: ['ConsentExpired', 'No'],
      PAUSED: ['ConsentPaused', 'No'],
      QUOTA: ['QuotaExceeded', 'No'],
      DATE_RANGE: ['InvalidDateRange', 'YesWithModifications'],
    };
    consents.forEach((c, i) => {
      const row = rows[i];
      expect(row.consent_id).toBe(c.id);
      expect(row.configId).toBe('cfg-default');
      expect(typeof row.updated_at).toBe('string');
      if (c.scenario === 'TRANSIENT' && !triedBefore.has(c.id)) {
        expect([row.error?.code ?? null, row.retry_eligible]).toEqual([expect.stringMatching(/NetworkTimeout|AANotAvailable|FIPNotAvailable/), 'Yes']);
        expect(row.session_id).toEqual(expect.any(String));
        return;
      }
      const [code, eligibility] = expected[c.scenario === 'TRANSIENT' ? 'ACTIVE' : c.scenario]!;
      expect([row.error?.code ?? null, row.retry_eligible], c.scenario).toEqual([code, eligibility]);
      expect(row.status).toBe(code ? 'FAILED' : 'COMPLETED');
      if (!code) expect(row.session_id).toEqual(expect.any(String));
      if (c.scenario === 'DATE_RANGE') {
        expect(row.error.details).toEqual({ consentRangeFrom: c.consentRangeFrom, consentRangeTo: c.consentRangeTo });
      }
    });
    expect(rows.at(-1)).toMatchObject({ status: 'FAILED', retry_eligible: 'No', error: { code: 'InvalidConsentId' }, configId: 'cfg-row' });

    const failedYes = await post(fast, '/bulk/status', { reference_id: 'all-scenarios', limit: 1000, filters: { status: ['FAILED'], retry_eligible: 'Yes' } });
    expect(failedYes.body.data.records.length).toBe(consents.filter((c) => c.scenario === 'TRANSIENT' && !triedBefore.has(c.id)).length);
    const completed = await post(fast, '/bulk/status', { reference_id: 'all-scenarios', limit: 1000, filters: { status: ['COMPLETED'] }, include_balances: true });
    expect(completed.body.data.records.length).toBe(data.summary.completed);
    const withBalances = completed.body.data.records[0];
    expect(withBalances.balances[0]).toMatchObject({ currency: 'INR', currentBalance: expect.stringMatching(/^\d+\.\d{2}$/) });
  });

  it('fails rows whose range ends in the future with InvalidDateRange (YesWithModifications)', async () => {
    const consent = consentOf(fast, 'ACTIVE');
    const future = new Date(Date.now() + 7 * DAY).toISOString();
    await post(fast, '/v2/schedule/fi/requests', { reference_id: 'future-range', fiDataRangeTo: future, consents_list: [{ consent_id: consent.id }] });
    const data = await waitForBatch(fast, 'future-range');
    expect(data.records[0]).toMatchObject({ status: 'FAILED', retry_eligible: 'YesWithModifications', error: { code: 'InvalidDateRange' }, fiDataRangeTo: future });
    expect(data.batch_status).toBe('COMPLETED');
  });

  it('applies row overrides over the top-level defaults', async () => {
    const [a, b] = fast.consents('ACTIVE');
    const from = new Date(Date.now() - 100 * DAY).toISOString();
    await post(fast, '/v2/schedule/fi/requests', {
      reference_id: 'override-batch',
      fiDataRangeFrom: yearAgo(),
      fiDataRangeTo: justNow(),
      configId: 'cfg-1',
      consents_list: [{ consent_id: a!.id }, { consent_id: b!.id, fiDataRangeFrom: from, configId: 'cfg-2' }],
    });
    const data = await waitForBatch(fast, 'override-batch');
    expect(data.records[0].configId).toBe('cfg-1');
    expect(data.records[1]).toMatchObject({ configId: 'cfg-2', fiDataRangeFrom: from });
    expect(data.metadata.global_config.configId).toBe('cfg-1');
  });

  it('limits pages to 1000 rows, validates filters and answers 404 for unknown batches', async () => {
    expect((await post(fast, '/bulk/status', { reference_id: 'dup-ref-1', limit: 1001 })).body.errorMsg).toContain('limit');
    expect((await post(fast, '/bulk/status', { reference_id: 'dup-ref-1', filters: { status: ['DONE'] } })).body.errorMsg).toContain('filters.status');
    expect((await post(fast, '/bulk/status', { reference_id: 'dup-ref-1', filters: { retry_eligible: 'Maybe' } })).status).toBe(400);
    const missing = await post(fast, '/bulk/status', { reference_id: 'no-such-batch' });
    expect(missing.status).toBe(404);
    expect(missing.body.errorCode).toBe('BatchNotFound');
  });
});
