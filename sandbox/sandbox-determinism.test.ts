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
});
