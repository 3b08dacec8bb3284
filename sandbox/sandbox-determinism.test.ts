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

  it('names batches and sessions by request, so a restarted sandbox never reuses an earlier sync\'s ids', async () => {
    // A restart is a new instance; a later sync sends new reference ids (they carry the sync time).
    const first = await startSandbox({ consents: 40, speed: 500 });
    const restarted = await startSandbox({ consents: 40, speed: 500 });
    try {
      const consents = first.consents('ACTIVE').slice(0, 3).map((c) => ({ consent_id: c.id }));
      const schedule = (sb: typeof first, reference_id: string) =>
        post(sb, '/v2/schedule/fi/requests', { reference_id, consents_list: consents });
      const a = await schedule(first, 'demo-20261123T100000Z-1');
      // The restarted instance's first batch is the later sync's: by creation order it would collide.
      const laterSync = await schedule(restarted, 'demo-20261123T110000Z-1');
      const sameRequest = await schedule(restarted, 'demo-20261123T100000Z-1');
      expect(sameRequest.body.data.batch_id).toBe(a.body.data.batch_id);
      expect(laterSync.body.data.batch_id).not.toBe(a.body.data.batch_id);
      await sleep(50);
      const sessions = async (sb: typeof first, reference_id: string) => {
        const status = await post(sb, '/bulk/status', { reference_id, page: 1, limit: 100 });
        return status.body.data.records.map((r: { session_id: string | null }) => r.session_id);
      };
      const earlier = await sessions(first, 'demo-20261123T100000Z-1');
      const later = await sessions(restarted, 'demo-20261123T110000Z-1');
      expect(earlier.every((id: string | null) => typeof id === 'string')).toBe(true);
      expect(new Set([...earlier, ...later]).size).toBe(earlier.length + later.length);
      expect(await sessions(restarted, 'demo-20261123T100000Z-1')).toEqual(earlier);
    } finally {
      await Promise.all([first.close(), restarted.close()]);
    }
  });
});
