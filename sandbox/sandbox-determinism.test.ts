import { describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { post, sleep } from './test-support/sandbox-test-client.js';

describe('determinism', () => {
  it('gives two sandboxes of one seed identical consents and data, whatever the request order', async () => {
    const [a, b] = await Promise.all([startSandbox({ consents: 60, speed: 500 }), startSandbox({ consents: 60, speed: 500 })]);
    const other = await startSandbox({ consents: 60, seed: 43, speed: 500 });
    try {
      expect(a.consents()).toEqual(b.consents());
      expect(other.consents()[0]!.id).not.toBe(a.consents()[0]!.id);
      const active = a.consents('ACTIVE').slice(0, 6);
      const to = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 1).toISOString();
      const from = new Date(Date.parse(to) - 200 * 86_400_000).toISOString();
      // Request in opposite orders on the two sandboxes.
      for (const c of active) await post(a, '/fi/request', { consentId: c.id, fiDataRangeFrom: from, fiDataRangeTo: to });
      for (const c of [...active].reverse()) await post(b, '/fi/request', { consentId: c.id, fiDataRangeFrom: from, fiDataRangeTo: to });
      await sleep(30);
      for (const c of active) {
        const da = await post(a, '/getallfidata', { consentID: c.id });
        const db = await post(b, '/getallfidata', { consentID: c.id });
        expect(da.status).toBe(200);
        expect(da.body.data).toEqual(db.body.data);
      }
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('names batches and sessions by seed and request content, not by reference id, clock or order', async () => {
    // Acceptance tests find expected records by primary key: one request to a fresh sandbox of
    // one seed must get the same batch and session ids, whatever its reference id says.
    const first = await startSandbox({ consents: 40, speed: 500 });
    const fresh = await startSandbox({ consents: 40, speed: 500 });
    try {
      const to = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 7_200_001).toISOString();
      const from = new Date(Date.parse(to) - 100 * 86_400_000).toISOString();
      const active = first.consents('ACTIVE');
      const consents = active.slice(0, 3).map((c) => ({ consent_id: c.id, fiDataRangeFrom: from, fiDataRangeTo: to }));
      const others = active.slice(3, 5).map((c) => ({ consent_id: c.id, fiDataRangeFrom: from, fiDataRangeTo: to }));
      const schedule = (sb: typeof first, reference_id: string, list = consents) =>
        post(sb, '/v2/schedule/fi/requests', { reference_id, consents_list: list });
      const a = await schedule(first, 'demo-20261123T100000Z-1');
      // Another sandbox first sees other work, then the same request under another sync's reference.
      const other = await schedule(fresh, 'demo-20261123T100000Z-2', others);
      const same = await schedule(fresh, 'demo-20261123T110000Z-1');
      expect(a.status).toBe(200);
      expect(same.body.data.batch_id).toBe(a.body.data.batch_id);
      expect(other.body.data.batch_id).not.toBe(a.body.data.batch_id);
      // Repeated in one sandbox (here up to a later end, as a later "up to now" sync asks), the
      // request is a new batch and gets a new id.
      const later = new Date(Date.parse(to) + 3_600_000).toISOString();
      const repeat = await schedule(fresh, 'demo-20261123T120000Z-1', consents.map((c) => ({ ...c, fiDataRangeTo: later })));
      expect(repeat.body.data.batch_id).not.toBe(a.body.data.batch_id);
      await sleep(50);
      const sessions = async (sb: typeof first, reference_id: string) => {
        const status = await post(sb, '/bulk/status', { reference_id, page: 1, limit: 100 });
        return status.body.data.records.map((r: { session_id: string | null }) => r.session_id);
      };
      const earlier = await sessions(first, 'demo-20261123T100000Z-1');
      expect(earlier.every((id: string | null) => typeof id === 'string')).toBe(true);
      expect(await sessions(fresh, 'demo-20261123T110000Z-1')).toEqual(earlier);
      const repeated = await sessions(fresh, 'demo-20261123T120000Z-1');
      expect(new Set([...earlier, ...repeated]).size).toBe(earlier.length + repeated.length);
    } finally {
      await Promise.all([first.close(), fresh.close()]);
    }
  });
});
