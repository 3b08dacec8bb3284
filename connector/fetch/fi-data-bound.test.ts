import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileServer, type Mutator } from '../../integration_tests/support/hostile-server.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { SystemError } from '../errors/connector-errors.js';
import { readyFiSession, sandboxClient } from '../finpro/test-support/fi-session.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { StateManager } from '../state/state-manager.js';
import { FiDataHarvester } from './fi-data-harvester.js';

/**
 * The harvester streams each /getallfidata answer account by account. These tests put a
 * lying proxy (real HTTP) between it and an in-process sandbox: an account over the bound
 * stops the read with a system error naming consent and session; an answer without a data
 * array fails the sync, not the row; a body cut off mid-way, or truncated, is read again
 * and ends with every record an honest answer gives.
 */
describe('FI data answers, streamed', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ consents: 20, speed: 1000, seed: 71, rateLimit: { limit: 100_000, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const FIDATA = '/getallfidata';

  const readySession = (consentId: string) => readyFiSession(sandboxClient(sandbox), consentId);

  /** Harvests one session through a proxy applying `mutator`; returns the result (or error) and the records. */
  async function harvestVia(mutator: Mutator, consentId: string, sessionId: string, maxBytes?: number) {
    const proxy = await hostileServer(sandbox.url, mutator);
    try {
      const sink = new CollectingSink();
      const state = new StateManager(['fi_data', 'fi_accounts', 'fi_transactions'], new Map(), sink);
      const harvester = new FiDataHarvester(sandboxClient(sandbox, proxy.url, { sleep: () => Promise.resolve() }), state, Date.now, () => undefined, maxBytes);
      const outcome = await harvester.harvest({ consentId, sessionId }).then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      );
      const records = sink.messages.flatMap((m) => (m.type === 'RECORD' ? [m.record] : []));
      return { ...outcome, records, hits: proxy.hits[FIDATA] ?? 0, mutated: proxy.mutated };
    } finally {
      await proxy.close();
    }
  }

  /** A record's identity: stream plus its data minus the fetch time. */
  const keyOf = (r: { stream: string; data: Record<string, unknown> }) => `${r.stream}:${JSON.stringify({ ...r.data, fetched_at: undefined })}`;
  const pass: Mutator = () => ({ kind: 'pass' });

  it('reads an answer under the bound, and fails one with an account over it, naming consent and session', async () => {
    const consentId = sandbox.consents('ACTIVE')[0]!.id;
    const sessionId = await readySession(consentId);
    const honest = await harvestVia(pass, consentId, sessionId);
    expect(honest.error).toBeUndefined();
    expect(honest.records.filter((r) => r.stream === 'fi_transactions').length).toBeGreaterThan(10);

    // Every account of a consent-year is well over 200 bytes, so the first one breaks the bound.
    const tight = await harvestVia(pass, consentId, sessionId, 200);
    expect(tight.error).toBeInstanceOf(SystemError);
    const message = (tight.error as SystemError).message;
    expect(message).toContain(consentId);
    expect(message).toContain(sessionId);
    expect(message).toContain('200 bytes');
    expect(message).toContain('fi_data_range_from');
    expect(tight.records).toEqual([]);
  });

  it('fails the sync (not the row) when the answer has no data array, naming endpoint, consent and session', async () => {
    const consentId = sandbox.consents('ACTIVE')[1]!.id;
    const sessionId = await readySession(consentId);
    const rewrites: Mutator[] = [
      (a) => (a.route === FIDATA ? { kind: 'json', body: { ...(a.json as object), data: { accounts: (a.json as { data: unknown }).data } } } : { kind: 'pass' }),
      (a) => (a.route === FIDATA ? { kind: 'json', body: { errorCode: 'InternalError', errorMsg: 'Something went wrong' } } : { kind: 'pass' }),
    ];
    for (const rewrite of rewrites) {
      const { error, records, mutated } = await harvestVia(rewrite, consentId, sessionId);
      expect(mutated).toBe(1);
      expect(error).toBeInstanceOf(SystemError);
      expect((error as SystemError).message).toMatch(new RegExp(`/getallfidata.*${consentId}.*${sessionId}`));
      expect(records).toEqual([]);
    }
  });

  it('reads a body cut off or truncated mid-way again, and ends with every record of an honest answer', async () => {
    const consents = sandbox.consents('ACTIVE');
    // A consent with two accounts or more, so the first attempt hands out a whole account before the cut.
    let chosen: { consentId: string; sessionId: string; honest: Awaited<ReturnType<typeof harvestVia>> } | undefined;
    for (const consent of sandbox.consents('ACTIVE').slice(2)) {
      const sessionId = await readySession(consent.id);
      const honest = await harvestVia(pass, consent.id, sessionId);
      if (honest.result?.ok === true && honest.result.accounts >= 2) {
        chosen = { consentId: consent.id, sessionId, honest };
        break;
      }
    }
    expect(chosen, 'no ACTIVE consent with two accounts').toBeDefined();
    const { consentId, sessionId, honest } = chosen!;
    const expected = new Set(honest.records.map(keyOf));
    /** The byte just past the first account (the sandbox writes compact JSON). */
    const firstAccountEnd = (text: string) => {
      const start = text.indexOf('"data":[') + '"data":['.length;
      const end = start + JSON.stringify((JSON.parse(text) as { data: unknown[] }).data[0]).length;
      expect(JSON.parse(text.slice(start, end))).toBeTypeOf('object');
      return end;
    };
    // A cut connection fails the transfer before the answer ends (an answer under 64 KiB is
    // parsed whole, so nothing was handed out yet); a truncated 200 ends, is scanned, and hands
    // out the accounts it holds whole before the error.
    const faults: Array<[string, Mutator, boolean]> = [
      ['connection cut', (a) => (a.route === FIDATA && a.nth === 1 ? { kind: 'cut', bytes: firstAccountEnd(a.text) + 10 } : { kind: 'pass' }), false],
      ['truncated 200', (a) => (a.route === FIDATA && a.nth === 1 ? { kind: 'text', status: 200, body: a.text.slice(0, firstAccountEnd(a.text) + 10), contentType: 'application/json' } : { kind: 'pass' }), true],
    ];
    for (const [name, fault, repeats] of faults) {
      const run = await harvestVia(fault, consentId, sessionId);
      expect(run.error, name).toBeUndefined();
      expect(run.mutated, name).toBe(1);
      expect(run.hits, `${name}: read again`).toBe(2);
      // The counts are those of the complete answer, not the sum of both attempts.
      expect(run.result, name).toEqual(honest.result);
      // Every honest record arrived; what the first attempt handed out came twice, with the same
      // keys (a destination de-duplicates them).
      expect(new Set(run.records.map(keyOf)), name).toEqual(expected);
      if (repeats) expect(run.records.length, `${name}: the first attempt emitted an account`).toBeGreaterThan(honest.records.length);
      else expect(run.records.length, name).toBe(honest.records.length);
    }
  });
});
