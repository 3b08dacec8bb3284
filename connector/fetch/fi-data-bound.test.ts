import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { SystemError } from '../errors/connector-errors.js';
import { FinproClient } from '../finpro/finpro-client.js';
import { fiRequest, fiRequestStatus } from '../finpro/finpro-endpoints.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { StateManager } from '../state/state-manager.js';
import { FiDataHarvester } from './fi-data-harvester.js';

/**
 * One /getallfidata answer is parsed whole, so its size is bounded: over the bound, the read
 * stops with a system error naming the consent and session and saying how to fix it, before
 * the body is held in memory. Real HTTP to an in-process sandbox.
 */
describe('FI data answer bound', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ consents: 20, speed: 1000, seed: 71, rateLimit: { limit: 100_000, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function readySession(client: FinproClient, consentId: string): Promise<string> {
    const to = new Date(Date.now() - 60_000).toISOString();
    const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
    const sessionId = await fiRequest(client, { consentId, fiDataRangeFrom: from, fiDataRangeTo: to });
    for (let i = 0; i < 200; i++) {
      if ((await fiRequestStatus(client, sessionId)).eventStatus === 'DATA_READY') return sessionId;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('session never became DATA_READY');
  }

  it('reads an answer under the bound, and fails one over it naming consent and session', async () => {
    const config = { base_url: sandbox.url, credentials: { ...sandbox.credentials }, request_timeout_seconds: 10, max_concurrency: 2 };
    const client = new FinproClient({ config });
    const consentId = sandbox.consents('ACTIVE')[0]!.id;
    const sessionId = await readySession(client, consentId);
    const sink = new CollectingSink();
    const state = new StateManager(['fi_transactions'], new Map(), sink);

    const roomy = new FiDataHarvester(client, state, Date.now, () => undefined);
    const ok = await roomy.harvest({ consentId, sessionId });
    expect(ok.ok).toBe(true);
    const records = sink.messages.filter((m) => m.type === 'RECORD').length;
    expect(records).toBeGreaterThan(10);

    const tight = new FiDataHarvester(client, state, Date.now, () => undefined, 2_000);
    const error = await tight.harvest({ consentId, sessionId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SystemError);
    const message = (error as SystemError).message;
    expect(message).toContain(consentId);
    expect(message).toContain(sessionId);
    expect(message).toContain('2000 bytes');
    expect(message).toContain('fi_data_range_from');
    // Nothing was emitted for the oversize answer.
    expect(sink.messages.filter((m) => m.type === 'RECORD').length).toBe(records);
  });

  it('fails the sync (not the row) when the answer has no data array, naming endpoint, consent and session', async () => {
    // A real server behind a rewriting client: the sandbox answers, the body loses its data array.
    const config = { base_url: sandbox.url, credentials: { ...sandbox.credentials }, request_timeout_seconds: 10, max_concurrency: 2 };
    const client = new FinproClient({ config });
    const consentId = sandbox.consents('ACTIVE')[1]!.id;
    const sessionId = await readySession(client, consentId);
    const post = client.post.bind(client);
    for (const rewrite of [(j: any) => ({ ...j, data: { accounts: j.data } }), () => ({ errorCode: 'InternalError', errorMsg: 'Something went wrong' })]) {
      client.post = (async (...args: Parameters<typeof post>) => rewrite(await post(...args))) as typeof client.post;
      const state = new StateManager(['fi_transactions'], new Map(), new CollectingSink());
      const error = await new FiDataHarvester(client, state, Date.now, () => undefined).harvest({ consentId, sessionId }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as SystemError).message).toMatch(new RegExp(`/getallfidata.*${consentId}.*${sessionId}`));
    }
  });
});
