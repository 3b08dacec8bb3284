import { describe, expect, it } from 'vitest';
import type { AirbyteMessage } from '../protocol/airbyte-message.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import type { StreamName } from '../streams/stream-registry.js';
import type { StreamState, SyncProgress } from './stream-state.js';
import { StateManager } from './state-manager.js';
import { SyncProgressKeeper } from './sync-progress-keeper.js';

const sync: SyncProgress = { time: '2026-03-10T12:00:00.000Z', base_id: 'A', fingerprint: 'f', chunks: 1, next_chunk: 0, done_chunks: '', failed_at: '', batches: [] };
const batch = { ref: 'r-0', batch_id: 'b-0', chunk: 0, attempt: 0, mode: 'bulk' as const, submission: 'json' as const, done: '' };
const base = (id: string) => ({ id, watermark: '2026-01-01T00:00:00.000Z', exceptions: {}, covered: 'x' });

function states(sink: CollectingSink): [string, Record<string, unknown>, number][] {
  return sink.messages.flatMap((m: AirbyteMessage) =>
    m.type === 'STATE' ? [[m.state.stream!.stream_descriptor.name, m.state.stream!.stream_state as Record<string, unknown>, m.state.sourceStats!.recordCount!] as [string, Record<string, unknown>, number]] : [],
  );
}

describe('StateManager', () => {
  it('names the bad field of a malformed state, and counts records per stream between states', async () => {
    expect(() => StateManager.parse('fi_data', { v: 1, cursor: 'nope', seq: 0, base: null })).toThrow(/state\.fi_data\.cursor/);
    const sink = new CollectingSink();
    const manager = new StateManager(['fi_data', 'bulk_batches'], new Map(), sink, () => 0);
    expect(manager.emit('fi_data', { a: 1 }, 1000)).toBeUndefined();
    expect(manager.emit('fi_data', { a: 2 }, 2000)).toBeUndefined();
    await manager.checkpoint();
    await manager.checkpoint();
    expect(states(sink).map(([stream, , count]) => [stream, count])).toEqual([['fi_data', 2], ['bulk_batches', 0], ['fi_data', 0], ['bulk_batches', 0]]);
    expect(manager.state('fi_data').cursor).toBe('1970-01-01T00:00:02.000Z');
  });

  it('copies the one sync in flight into every stream\'s STATE, with one seq step per change', async () => {
    const sink = new CollectingSink();
    const keeper = new SyncProgressKeeper();
    const incoming = new Map<StreamName, StreamState | undefined>([['fi_data', { v: 1, cursor: null, seq: 5, base: base('A') }]]);
    const manager = new StateManager(['fi_data', 'bulk_batches'], incoming, sink, () => 0, keeper);
    keeper.start(sync);
    keeper.apply({ type: 'batch-scheduled', batch });
    keeper.apply({ type: 'rows-settled', ref: 'r-0', rows: [1, 2] });
    await manager.checkpoint();
    const [[, a], [, b]] = states(sink) as [[string, Record<string, unknown>, number], [string, Record<string, unknown>, number]];
    expect(a['sync']).toEqual({ ...sync, next_chunk: 1, batches: [{ ...batch, done: '1-2' }] });
    expect(b['sync']).toEqual(a['sync']);
    expect([a['seq'], b['seq']]).toEqual([8, 3]);
    // The stream's own state holds no copy: the keeper is the one owner.
    expect(manager.state('fi_data').sync).toBeUndefined();
  });

  it('offers the least-advanced incoming sync to resume, writes it unchanged, and drops it once finished', async () => {
    const sink = new CollectingSink();
    const keeper = new SyncProgressKeeper();
    const incoming = new Map<StreamName, StreamState | undefined>([
      ['fi_data', { v: 1, cursor: null, seq: 9, base: base('A'), sync: { ...sync, next_chunk: 1, batches: [batch] } }],
      ['bulk_batches', { v: 1, cursor: null, seq: 7, base: base('A'), sync: { ...sync, batches: [] } }],
      ['bulk_batch_rows', { v: 1, cursor: null, seq: 2, base: base('B') }],
    ]);
    const manager = new StateManager(['fi_data', 'bulk_batches', 'bulk_batch_rows'], incoming, sink, () => 0, keeper);
    const resumable = manager.resumableSync()!;
    expect(resumable.batches).toEqual([]);
    keeper.resume(resumable);
    await manager.checkpoint();
    expect(states(sink).map(([, s]) => [s['seq'], (s['sync'] as SyncProgress | undefined)?.next_chunk])).toEqual([[9, 0], [7, 0], [2, 0]]);
    manager.completeSync(keeper.finish(), base(sync.time));
    await manager.checkpoint();
    const last = states(sink).slice(3).map(([, s]) => [s['seq'], (s['base'] as { id: string }).id, 'sync' in s]);
    // A stream whose base the sync did not start from (reset meanwhile) keeps its own.
    expect(last).toEqual([[10, sync.time, false], [8, sync.time, false], [3, 'B', false]]);
  });
});
