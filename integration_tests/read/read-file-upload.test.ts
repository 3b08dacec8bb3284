import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { recordSchemaErrors, startTestSandbox } from '../support/index.js';
import { deliveredData, FIXED_RANGE, readAll } from './read-harness.js';

const sandboxes: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

/**
 * `submission_mode: file` schedules each batch as a CSV upload (`/fi/requests/schedule/upload/v3`)
 * instead of JSON. Two sandboxes of one seed, one read each way: the same final outcome per
 * consent and the same data, and only the upload route was used for the file run.
 */
describe('read: schedule by file upload', () => {
  it('delivers what JSON scheduling delivers, through the upload endpoint only', { timeout: 60_000 }, async () => {
    const options = { consents: 120, speed: 50, rowsPerSecond: 2000, seed: 51, rateLimit: { limit: 100_000, windowMs: 60_000 } };
    const [byJson, byFile] = await Promise.all([startTestSandbox(options), startTestSandbox(options)]);
    sandboxes.push(byJson, byFile);
    const ids = byJson.consents().map((c) => c.id);
    // Two batches, and some consents with a range of their own, so the CSV carries per-row values too.
    const overrides = ids.slice(0, 3).map((id) => ({ consent_id: id, fi_data_range_from: '2026-02-01T00:00:00Z' }));
    const extra = { batch_size: 70, ...FIXED_RANGE, overrides };
    const [a, b] = await Promise.all([
      readAll(byJson, ids, { extra: { ...extra, submission_mode: 'json' } }),
      readAll(byFile, ids, { extra: { ...extra, submission_mode: 'file' } }),
    ]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, JSON.stringify(b.errors)).toBe(0);

    const routes = byFile.stats().requests.by_route;
    expect(routes['/fi/requests/schedule/upload/v3']?.['200']).toBeGreaterThanOrEqual(2);
    expect(routes['/v2/schedule/fi/requests']).toBeUndefined();
    expect(byJson.stats().requests.by_route['/fi/requests/schedule/upload/v3']).toBeUndefined();
    expect(Object.values(byFile.stats().batches_created).every((n) => n === 1)).toBe(true);

    const x = deliveredData([a]);
    const y = deliveredData([b]);
    expect(x.outcomes.size).toBe(ids.length);
    expect(y.outcomes).toEqual(x.outcomes);
    expect(y.accounts).toEqual(x.accounts);
    expect(y.transactions).toEqual(x.transactions);
    expect(y.transactions.size).toBeGreaterThan(0);
    // The per-consent range reached the server through the CSV.
    const stats = byFile.stats();
    for (const o of overrides) expect(stats.fi_requests[o.consent_id]!.requests[0]!.fiDataRangeFrom).toBe('2026-02-01T00:00:00.000Z');
    // Bulk batches say how they were scheduled (a retry of fewer than 10 consents goes as single FI requests, with no submission).
    const bulk = (b.recordsByStream.get('bulk_batches') ?? []).filter((batch) => batch['request_mode'] === 'bulk');
    expect(bulk.length).toBeGreaterThan(0);
    for (const batch of bulk) expect(batch['submission_mode']).toBe('file');
    expect(recordSchemaErrors(b)).toEqual([]);
  });
});
