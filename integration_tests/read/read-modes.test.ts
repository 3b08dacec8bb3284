import { describe, expect, it } from 'vitest';
import { recordSchemaErrors, useSandbox } from '../support/index.js';
import { lastStates, readAll } from './read-harness.js';

describe('read: fewer than 10 consents', () => {
  const sandbox = useSandbox({ consents: 40, speed: 50, seed: 11 });

  it('uses single FI requests, never a bulk schedule', async () => {
    const ids = sandbox().consents().slice(0, 7).map((c) => c.id);
    const output = await readAll(sandbox(), ids);
    expect(output.exitCode, output.stderr).toBe(0);
    const stats = sandbox().stats();
    expect(Object.keys(stats.schedule_calls)).toEqual([]);
    expect(stats.requests.by_route['/v2/schedule/fi/requests']).toBeUndefined();
    expect(stats.requests.by_route['/fi/request']).toBeDefined();
    const batches = output.recordsByStream.get('bulk_batches') ?? [];
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      expect(b['request_mode']).toBe('single');
      // Named by the work (chunk, attempt, consents), not by the reference id's sync time.
      expect(String(b['batch_id'])).toMatch(/^single-0(-r\d+)?-[0-9a-f]{16}$/);
    }
    expect(recordSchemaErrors(output)).toEqual([]);
  });
});

describe('read: two sequential reads', () => {
  const sandbox = useSandbox({ consents: 60, speed: 50, seed: 12 });

  it('asks the second time only for the range since each watermark, and emits nothing older than the cursors', async () => {
    const consents = sandbox().consents().filter((c) => c.scenario === 'ACTIVE').slice(0, 20);
    const ids = consents.map((c) => c.id);
    const first = await readAll(sandbox(), ids);
    expect(first.exitCode, first.stderr).toBe(0);
    const state = lastStates(first);
    const planned = first.logs.find((l) => l.message.startsWith('Planned sync '))!.message;
    const firstSyncTime = /Planned sync (\S+):/.exec(planned)![1]!;

    const second = await readAll(sandbox(), ids, { state });
    expect(second.exitCode, second.stderr).toBe(0);
    const stats = sandbox().stats();
    for (const id of ids) {
      const requests = stats.fi_requests[id]!.requests;
      expect(requests.length).toBe(2);
      expect(requests[1]!.fiDataRangeFrom).toBe(firstSyncTime);
    }
    // Nothing older than the first run's cursors.
    for (const s of state as { stream: { stream_descriptor: { name: string }; stream_state: { cursor: string | null } } }[]) {
      const cursor = s.stream.stream_state.cursor;
      if (cursor === null) continue;
      const field = s.stream.stream_descriptor.name.startsWith('fi_') ? 'fetched_at' : 'updated_at';
      for (const record of second.recordsByStream.get(s.stream.stream_descriptor.name) ?? []) {
        expect(Date.parse(String(record[field]))).toBeGreaterThanOrEqual(Date.parse(cursor));
      }
    }
  });

  it('reads nothing from a state in the future, and still emits a STATE per stream', async () => {
    const ids = sandbox().consents().slice(0, 12).map((c) => c.id);
    const future = '2999-01-01T00:00:00.000Z';
    const state = ['bulk_batches', 'bulk_batch_rows', 'fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings'].map((name) => ({
      type: 'STREAM',
      stream: {
        stream_descriptor: { name },
        stream_state: { v: 1, cursor: future, seq: 1, base: { id: future, watermark: future, exceptions: {}, covered: 'x' }, },
      },
    }));
    // `covered` differs from the consent set: a changed list re-reads, so give the real signature by reading it once.
    const first = await readAll(sandbox(), ids, { streams: ['fi_data'] });
    const covered = (lastStates(first)[0] as { stream: { stream_state: { base: { covered: string } } } }).stream.stream_state.base.covered;
    for (const s of state) s.stream.stream_state.base.covered = covered;
    const output = await readAll(sandbox(), ids, { state });
    expect(output.exitCode, output.stderr).toBe(0);
    expect(output.records).toEqual([]);
    expect(new Set(output.states.map((s) => s.stream!.stream_descriptor.name)).size).toBe(6);
  });

  it('rejects a malformed state naming the field', async () => {
    const ids = sandbox().consents().slice(0, 12).map((c) => c.id);
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'fi_data' }, stream_state: { v: 1, cursor: 'yesterday', seq: 0, base: null } } }];
    const output = await readAll(sandbox(), ids, { state, streams: ['fi_data'] });
    expect(output.exitCode).toBe(1);
    expect(output.errors[0]!.failure_type).toBe('config_error');
    expect(output.errors[0]!.message).toContain('state.fi_data.cursor');
  });
});
