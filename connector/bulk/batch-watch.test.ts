import { describe, expect, it } from 'vitest';
import { TransientError } from '../errors/connector-errors.js';
import { plannedSingleBatch } from './single-backend.js';
import { FakeFinpro } from './test-support/fake-finpro.js';
import { bulkEntry, POLLING, watchHarness } from './test-support/watch-harness.js';

const FROM = '2024-01-01T00:00:00.000Z';
const TO = '2024-06-01T00:00:00.000Z';

function bulkBatch(consents: string[]) {
  const fake = new FakeFinpro();
  const batch = fake.addBatch('ref-0', consents);
  return { fake, batch, entry: bulkEntry('ref-0', batch.batch_id) };
}

describe('BatchWatch over the bulk backend', () => {
  it('settles COMPLETED rows as they end: FI data fetched once, a row record, its id in state, then a checkpoint', async () => {
    const { fake, entry } = bulkBatch(['c1', 'c2', 'c3']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    const h = watchHarness(fake, entry);

    expect(await h.watch.poll()).toEqual({ kind: 'running' });
    expect(h.harvests).toEqual([{ consentId: 'c1', sessionId: 'sess-c1', from: FROM, to: TO }]);
    expect(h.records('bulk_batch_rows')).toMatchObject([{ consent_id: 'c1', row_status: 'COMPLETED', session_id: 'sess-c1', is_final: true, request_mode: 'bulk' }]);
    expect(h.records('bulk_batches')).toMatchObject([{ batch_id: entry.batch_id, batch_status: 'IN_PROGRESS', total: 3, completed: 1 }]);
    expect(h.sync().batches[0]!.done).toBe('1');
    const types = h.messages.map((m) => m.type);
    expect(types.lastIndexOf('RECORD')).toBeLessThan(types.lastIndexOf('STATE'));
    expect(h.progress).toEqual({ consentsOk: 1, consentsFailed: 0 });
    expect(h.estimates()).toBe(1);

    // Seen again on the next look: neither fetched nor recorded twice, and an unchanged batch is not recorded again.
    fake.end('ref-0', 'c2', 'COMPLETED');
    h.clock.advance(60_000);
    await h.watch.poll();
    expect(h.harvests.map((t) => t.consentId)).toEqual(['c1', 'c2']);
    expect(h.records('bulk_batch_rows').map((r) => r['consent_id'])).toEqual(['c1', 'c2']);
    expect(h.records('bulk_batches')).toHaveLength(2);
  });

  it('backs off while nothing moves (doubling up to max_interval) and comes back to the initial interval when rows end', async () => {
    const { fake, entry } = bulkBatch(['c1', 'c2', 'c3']);
    const h = watchHarness(fake, entry);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await h.watch.poll();
      waits.push(h.watch.nextPollAt - h.clock.now());
      h.clock.advance(waits.at(-1)!);
    }
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 40_000]);
    fake.end('ref-0', 'c1', 'COMPLETED');
    await h.watch.poll();
    expect(h.watch.nextPollAt - h.clock.now()).toBe(POLLING.initial_interval_seconds * 1000);
  });

  it('gives up after max_wait_minutes with a transient error (the next sync resumes the batch)', async () => {
    const { fake, entry } = bulkBatch(['c1']);
    const h = watchHarness(fake, entry);
    await h.watch.poll();
    h.clock.advance(POLLING.max_wait_minutes * 60_000 + 1);
    const failure = h.watch.poll();
    await expect(failure).rejects.toBeInstanceOf(TransientError);
    await expect(failure).rejects.toThrow(/max_wait_minutes/);
  });

  it('at the batch end returns the retry-eligible rows to retry and the others as final failures', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2', 'c3']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    fake.end('ref-0', 'c2', 'FAILED', { code: 'AANotAvailable', eligible: 'Yes' });
    fake.end('ref-0', 'c3', 'FAILED', { code: 'ConsentRevoked', eligible: 'No' });
    batch.batch_status = 'COMPLETED';
    const h = watchHarness(fake, entry);

    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [{ consentId: 'c2', from: FROM, to: TO }], finalFailures: { c3: 'ConsentRevoked' } });
    expect(h.records('bulk_batch_rows').map((r) => [r['consent_id'], r['row_status'], r['error_code'], r['is_final']])).toEqual([
      ['c1', 'COMPLETED', null, true],
      ['c2', 'FAILED', 'AANotAvailable', false],
      ['c3', 'FAILED', 'ConsentRevoked', true],
    ]);
    expect(h.sync().batches[0]!.done).toBe('1-3');
    // c2 goes into a retry batch: it counts when the retry settles, so consents never add up to more than were planned.
    expect(h.progress).toEqual({ consentsOk: 1, consentsFailed: 1 });
  });

  it('makes a retry-eligible row final once max_retries retry batches were spent', async () => {
    const fake = new FakeFinpro();
    const batch = fake.addBatch('ref-0-r2', ['c1']);
    fake.end('ref-0-r2', 'c1', 'FAILED', { code: 'AANotAvailable', eligible: 'Yes' });
    batch.batch_status = 'COMPLETED';
    const h = watchHarness(fake, bulkEntry('ref-0-r2', batch.batch_id, 2));
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [], finalFailures: { c1: 'AANotAvailable' } });
    expect(h.progress).toEqual({ consentsOk: 0, consentsFailed: 1 });
  });

  it('records a row whose FI data could not be read as a failure in the plan (failed_at)', async () => {
    const { fake, entry } = bulkBatch(['c1', 'c7']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    fake.end('ref-0', 'c7', 'COMPLETED');
    const h = watchHarness(fake, entry, { failHarvestOf: 'c7' });
    await h.watch.poll();
    expect(h.sync().failed_at).toBe('7');
    expect(h.records('bulk_batch_rows').find((r) => r['consent_id'] === 'c7')).toMatchObject({ row_status: 'COMPLETED', error_code: 'FiFetchFailed', error_message: 'scripted' });
    expect(h.progress).toEqual({ consentsOk: 1, consentsFailed: 1 });
  });

  it('does not fetch again the rows a previous run settled', async () => {
    const { fake, entry } = bulkBatch(['c1', 'c2']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    fake.end('ref-0', 'c2', 'COMPLETED');
    const h = watchHarness(fake, { ...entry, done: '1' });
    await h.watch.poll();
    expect(h.harvests.map((t) => t.consentId)).toEqual(['c2']);
  });

  it('reads every page of a batch larger than a page, and fetches a row listed twice once', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2', 'c3', 'c4', 'c5']);
    for (const c of ['c1', 'c2', 'c3', 'c4', 'c5']) fake.end('ref-0', c, 'COMPLETED');
    batch.rows.push({ ...batch.rows[2]! });
    const h = watchHarness(fake, entry);
    await h.watch.poll();
    expect(h.harvests.map((t) => t.consentId).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(h.sync().batches[0]!.done).toBe('1-5');
  });

  it('reads again a page that only repeats rows an earlier page of the pass listed, so the rows it should hold are not lost', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2', 'c3', 'c4', 'c5']);
    for (const c of ['c1', 'c2', 'c3', 'c4', 'c5']) fake.end('ref-0', c, 'COMPLETED');
    batch.batch_status = 'COMPLETED';
    // Two rows a page: the next four answers for pages 2 and 3 are copies of page 1, enough to
    // blind both the first pass and the full pass at the batch's end when nothing is read again.
    fake.repeatFirstPage = 4;
    const h = watchHarness(fake, entry);
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [], finalFailures: {} });
    expect(h.harvests.map((t) => t.consentId).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(h.sync().batches[0]!.done).toBe('1-5');
    expect(h.warnings.filter((k) => k.startsWith('totals:'))).toEqual([]);
  });

  it('lets a COMPLETED batch go whose summary counts a row listed twice: each row settled once, one WARN', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2', 'c3', 'c4', 'c5']);
    for (const c of ['c1', 'c2', 'c3', 'c4', 'c5']) fake.end('ref-0', c, 'COMPLETED');
    batch.rows.push({ ...batch.rows[2]! });
    batch.batch_status = 'COMPLETED';
    const h = watchHarness(fake, entry);
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [], finalFailures: {} });
    expect(h.harvests.map((t) => t.consentId).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(h.records('bulk_batch_rows')).toHaveLength(5);
    expect(h.sync().batches[0]!.done).toBe('1-5');
    expect(h.warnings.filter((k) => k.startsWith('totals:'))).toEqual(['totals:ref-0']);
  });

  it('lets a batch go once it completes with a retry-eligible row listed twice, and retries that row', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2', 'c3']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    fake.end('ref-0', 'c2', 'FAILED', { code: 'AANotAvailable', eligible: 'Yes' });
    batch.rows.push(batch.rows[1]!);
    const h = watchHarness(fake, entry);
    expect(await h.watch.poll()).toEqual({ kind: 'running' });

    fake.end('ref-0', 'c3', 'COMPLETED');
    batch.batch_status = 'COMPLETED';
    h.clock.advance(h.watch.nextPollAt - h.clock.now());
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [{ consentId: 'c2', from: FROM, to: TO }], finalFailures: {} });
    expect(h.records('bulk_batch_rows').map((r) => r['consent_id'])).toEqual(['c1', 'c2', 'c3']);
    expect(h.sync().batches[0]!.done).toBe('1-3');
  });

  it('lets a COMPLETED batch go whose total counts more rows than its pages list, with one WARN', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    fake.end('ref-0', 'c2', 'COMPLETED');
    batch.summary = { total: 3, completed: 3 };
    batch.batch_status = 'COMPLETED';
    const h = watchHarness(fake, entry);
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [], finalFailures: {} });
    expect(h.harvests.map((t) => t.consentId)).toEqual(['c1', 'c2']);
    expect(h.warnings.filter((k) => k.startsWith('totals:'))).toEqual(['totals:ref-0']);
  });

  it('keeps watching a COMPLETED batch whose summary still counts a row running, so that row is not lost', async () => {
    const { fake, batch, entry } = bulkBatch(['c1', 'c2', 'c3']);
    fake.end('ref-0', 'c1', 'COMPLETED');
    fake.end('ref-0', 'c2', 'COMPLETED');
    batch.batch_status = 'COMPLETED';
    const h = watchHarness(fake, entry);
    expect(await h.watch.poll()).toEqual({ kind: 'running' });
    expect(h.warnings).toContain('pending:ref-0');

    fake.end('ref-0', 'c3', 'COMPLETED');
    h.clock.advance(h.watch.nextPollAt - h.clock.now());
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [], finalFailures: {} });
    expect(h.harvests.map((t) => t.consentId)).toEqual(['c1', 'c2', 'c3']);
    expect(h.warnings.filter((k) => k.startsWith('totals:'))).toEqual([]);
  });

  it('reports a batch FinPro no longer knows as dropped', async () => {
    const fake = new FakeFinpro();
    const h = watchHarness(fake, bulkEntry('ref-gone', 'b-9'));
    expect(await h.watch.poll()).toEqual({ kind: 'dropped' });
    expect(h.records('bulk_batch_rows')).toEqual([]);
  });
});

describe('BatchWatch over the single backend', () => {
  const consents = [
    { consentId: 'c1', from: FROM, to: TO },
    { consentId: 'c2', from: FROM, to: TO },
  ];

  it('saves each session before polling it, fetches DATA_READY ones and retries a TIMEOUT', async () => {
    const fake = new FakeFinpro();
    const h = watchHarness(fake, plannedSingleBatch({ referenceId: 'ref-s', chunk: 0, attempt: 0, consents }));

    expect(await h.watch.poll()).toEqual({ kind: 'running' });
    const saved = h.sync().batches[0]!.sessions!;
    expect(saved.map((s) => [s.c, s.s])).toEqual([
      ['c1', fake.sessions.get('c1')![0]!.sessionId],
      ['c2', fake.sessions.get('c2')![0]!.sessionId],
    ]);

    fake.sessions.get('c1')![0]!.eventStatus = 'DATA_READY';
    fake.sessions.get('c2')![0]!.eventStatus = 'TIMEOUT';
    h.clock.advance(h.watch.nextPollAt - h.clock.now());
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [{ consentId: 'c2', from: FROM, to: TO }], finalFailures: {} });
    expect(h.harvests.map((t) => t.consentId)).toEqual(['c1']);
    expect(h.records('bulk_batch_rows').map((r) => [r['consent_id'], r['row_status'], r['request_mode'], r['is_final']])).toEqual(
      expect.arrayContaining([
        ['c1', 'COMPLETED', 'single', true],
        ['c2', 'FAILED', 'single', false],
      ]),
    );
    expect(h.records('bulk_batches').map((r) => r['batch_status'])).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(h.sync().batches[0]!.done).toBe('1-2');
    expect(fake.calls.filter((c) => c.path === '/fi/request')).toHaveLength(2);
  });

  it('adopts the session of a request whose answer was lost instead of spending the quota again', async () => {
    const fake = new FakeFinpro();
    fake.faults.set('/fi/request', ['lose-answer']);
    const h = watchHarness(fake, plannedSingleBatch({ referenceId: 'ref-s', chunk: 0, attempt: 0, consents: consents.slice(0, 1) }));
    await h.watch.poll();
    expect(fake.sessions.get('c1')).toHaveLength(1);
    expect(h.sync().batches[0]!.sessions![0]!.s).toBe(fake.sessions.get('c1')![0]!.sessionId);
    expect(fake.calls.filter((c) => c.path === '/fi/request')).toHaveLength(1);
  });

  it('fails the row, not the sync, on a per-consent refusal of the request', async () => {
    const fake = new FakeFinpro();
    fake.faults.set('/fi/request', [{ status: 400, errorCode: 'ConsentRevoked' }]);
    const h = watchHarness(fake, plannedSingleBatch({ referenceId: 'ref-s', chunk: 0, attempt: 0, consents: consents.slice(0, 1) }));
    expect(await h.watch.poll()).toEqual({ kind: 'finished', retry: [], finalFailures: { c1: 'ConsentRevoked' } });
    expect(h.sync().failed_at).toBe('1');
    expect(h.records('bulk_batch_rows')).toMatchObject([{ consent_id: 'c1', row_status: 'FAILED', error_code: 'ConsentRevoked', is_final: true }]);
  });
});
