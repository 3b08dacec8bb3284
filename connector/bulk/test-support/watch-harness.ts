import type { HarvestTarget } from '../../fetch/fi-data-harvester.js';
import type { AirbyteMessage } from '../../protocol/airbyte-message.js';
import type { MessageSink } from '../../protocol/message-emitter.js';
import type { InFlightBatch, StreamState } from '../../state/stream-state.js';
import { StateManager } from '../../state/state-manager.js';
import { SyncProgressKeeper } from '../../state/sync-progress-keeper.js';
import type { StreamName } from '../../streams/stream-registry.js';
import type { BatchBackend } from '../batch-backend.js';
import { BatchWatch } from '../batch-watch.js';
import { BulkBackend } from '../bulk-backend.js';
import { SingleBackend } from '../single-backend.js';
import type { FakeFinpro } from './fake-finpro.js';

export const POLLING = { initial_interval_seconds: 5, max_interval_seconds: 40, max_wait_minutes: 10 };

/** A watch over one batch of `fake`, with a hand-moved clock, real state and a recording sink and harvester. */
export function watchHarness(fake: FakeFinpro, entry: InFlightBatch, options: { failHarvestOf?: string; planPositions?: (chunk: number, ids: Iterable<string>) => number[] } = {}) {
  let nowMs = Date.parse('2024-06-01T00:00:00.000Z');
  const clock = { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
  const messages: AirbyteMessage[] = [];
  const sink: MessageSink = { emit: (m) => void messages.push(m), barrier: async () => undefined };
  const streams: StreamName[] = ['bulk_batches', 'bulk_batch_rows'];
  const sync = { time: '2024-06-01T00:00:00.000Z', base_id: null, fingerprint: 'f', chunks: 1, next_chunk: 1, done_chunks: '', failed_at: '', batches: [entry] };
  const incoming = new Map<StreamName, StreamState>(streams.map((s) => [s, { v: 1, cursor: null, seq: 1, base: null, sync }]));
  const keeper = new SyncProgressKeeper();
  keeper.resume(sync);
  const state = new StateManager(streams, incoming, sink, clock.now, keeper);
  const harvests: HarvestTarget[] = [];
  const progress = { consentsOk: 0, consentsFailed: 0 };
  let estimates = 0;
  const client = fake.client(clock.now);
  const warnings: string[] = [];
  const backend: BatchBackend =
    entry.mode === 'single'
      ? new SingleBackend({ client, maxConcurrency: 2, maxRetries: 2, sleep: async () => undefined, log: () => undefined, warnOnce: (k) => warnings.push(k), noteSessionExpiry: () => undefined })
      : new BulkBackend({ client, pageSize: 2, maxRetries: 2, maxIntervalMs: POLLING.max_interval_seconds * 1000, now: clock.now, warnOnce: (k) => warnings.push(k) });
  const watch = new BatchWatch(
    {
      polling: POLLING,
      maxConcurrency: 2,
      state,
      sync: keeper,
      harvester: {
        wanted: true,
        harvest: async (target) => {
          harvests.push(target);
          if (target.consentId === options.failHarvestOf) return { ok: false, code: 'FiFetchFailed', message: 'scripted' };
          return { ok: true, accounts: 1, transactions: 0, holdings: 0 };
        },
      },
      progress: {
        update: (change) => {
          progress.consentsOk += change.consentsOk ?? 0;
          progress.consentsFailed += change.consentsFailed ?? 0;
        },
      },
      now: clock.now,
      planPositions: options.planPositions ?? ((_chunk, ids) => [...ids].map((id) => Number(id.replace(/\D/g, '')))),
      afterRowsSettled: async () => {
        estimates++;
      },
    },
    backend,
    entry,
    null,
  );
  const records = (stream: StreamName): Record<string, unknown>[] =>
    messages.flatMap((m) => (m.type === 'RECORD' && m.record.stream === stream ? [m.record.data as Record<string, unknown>] : []));
  const sync_ = () => keeper.require();
  return { watch, clock, messages, harvests, progress, records, sync: sync_, warnings, estimates: () => estimates };
}

export function bulkEntry(ref: string, batchId: string, attempt = 0): InFlightBatch {
  return { ref, batch_id: batchId, chunk: 0, attempt, mode: 'bulk', submission: 'json', done: '' };
}
