import { ProgressReporter, type ReadProgress } from './bulk/progress-reporter.js';
import { SyncEngine } from './bulk/sync-engine.js';
import type { EngineContext } from './bulk/engine-context.js';
import { FiDataHarvester } from './fetch/fi-data-harvester.js';
import { TransientError } from './errors/connector-errors.js';
import { defaultSleep, FinproClient } from './finpro/finpro-client.js';
import type { AirbyteMessage, LogLevel } from './protocol/airbyte-message.js';
import { MessageEmitter, type MessageSink } from './protocol/message-emitter.js';
import { logMessage, streamStatusMessage } from './protocol/message-factory.js';
import type { ReadInput } from './read-input.js';
import { FiRecordOutlet } from './personal-data/fi-record-outlet.js';
import { StateManager } from './state/state-manager.js';
import type { StreamState } from './state/stream-state.js';
import { SyncProgressKeeper } from './state/sync-progress-keeper.js';
import type { StreamName } from './streams/stream-registry.js';

export type { ReadProgress } from './bulk/progress-reporter.js';

/** Collaborators a read can be given instead of the real ones (tests, `sync`). All optional. */
export interface ReadDeps {
  /** Wall clock; the plan's "now". */
  now?: () => Date;
  /** HTTP for every request; by default JSON requests go over node:http and uploads through the global fetch (FinproClient). */
  fetch?: typeof fetch;
  /** Waits (polling, backoff, rate limits); defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Progress counters, at every batch/row change and with each progress log line. */
  onProgress?: (progress: ReadProgress) => void;
  /** How often the LOG INFO progress line is written (default 30 s). */
  progressIntervalMs?: number;
  /**
   * Aborted when the platform cancels the sync (SIGTERM). The read stops at once: nothing
   * more is written or asked of FinPro, every stream ends INCOMPLETE, and the error thrown
   * says so; the last STATE already written is where the next sync resumes.
   */
  cancel?: AbortSignal;
}

/**
 * One sync: state in -> plan -> schedule -> watch -> fetch -> records + checkpoints.
 * Writes only to `sink`. Throws a ConnectorError after emitting INCOMPLETE statuses when the
 * sync cannot finish; never emits a state for records it has not emitted.
 */
export async function readSource(input: ReadInput, output: MessageSink, deps: ReadDeps = {}): Promise<void> {
  // Every message of the read leaves through `out`; after a cancel it writes nothing but the closing statuses.
  const out = new MessageEmitter(output, deps.cancel);
  const nowMs = deps.now !== undefined ? () => deps.now!().getTime() : Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const streams = input.streams.map((s) => s.name);
  const send = async (message: AirbyteMessage): Promise<void> => {
    const p = out.emit(message);
    if (p) await p;
  };

  // Validate every incoming state before a single request or status message.
  const incoming = new Map<StreamName, StreamState | undefined>();
  for (const stream of streams) {
    const blob = input.state.get(stream);
    incoming.set(stream, blob === undefined ? undefined : StateManager.parse(stream, blob));
  }

  for (const stream of streams) await send(streamStatusMessage(stream, 'STARTED'));
  // Synchronous by contract: its callers include the client's rate-limit event, the progress
  // timer and parsing code with no await in reach; the wait is carried to the next emit.
  const log = (level: LogLevel, message: string): void => out.emitFromCallback(logMessage(level, message));
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string): void => {
    if (warned.has(key)) return;
    warned.add(key);
    log('WARN', message);
  };

  const client = new FinproClient({
    config: input.config,
    ...(deps.fetch !== undefined ? { fetch: deps.fetch } : {}),
    now: nowMs,
    sleep,
    events: {
      onRateLimited: (path, waitMs) => {
        const quotaReset = nowMs() + waitMs;
        // An event of the client's retry loop: it cannot await, so the wait is carried (see log).
        for (const stream of streams) out.emitFromCallback(streamStatusMessage(stream, 'RUNNING', [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: Math.round(quotaReset) } }]));
        warnOnce('429', `FinPro rate limit reached on ${path}: waiting ${Math.round(waitMs)} ms as Retry-After asks (further 429s are counted in the progress line).`);
      },
    },
  });
  const sync = new SyncProgressKeeper();
  const state = new StateManager(streams, incoming, out, nowMs, sync);
  const progress = new ProgressReporter(
    nowMs,
    (message) => log('INFO', message),
    deps.onProgress,
    () => ({ records: state.records, requests: client.counters.requests, rateLimited: client.counters.rateLimited }),
    deps.progressIntervalMs,
  );
  const fiRecords = new FiRecordOutlet(state, input.config);
  const personal = input.config.personal_data;
  if (personal.mode !== 'keep') await send(logMessage('INFO', `Personal data: ${personal.mode === 'hash' ? 'hashing (HMAC-SHA-256)' : 'dropping'} ${personal.fields.join(', ')} in every fi_* stream before it is emitted.`));
  const harvester = new FiDataHarvester(client, fiRecords, nowMs, (m) => log('WARN', m));
  const ctx: EngineContext = {
    client,
    config: input.config,
    state,
    sync,
    harvester,
    fiRecords,
    progress,
    now: nowMs,
    sleep,
    log,
    warnOnce,
  };

  for (const stream of streams) await send(streamStatusMessage(stream, 'RUNNING'));
  try {
    const run = (async () => {
      await new SyncEngine(ctx, { fullRefresh: input.streams.some((s) => s.syncMode === 'full_refresh'), out }).run();
      if (harvester.wanted) {
        const t = harvester.totals;
        await send(logMessage('INFO', `FI data read: ${t.accounts} accounts, ${t.transactions} transactions, ${t.holdings} holdings; by fi_type: ${harvester.byFiType.describe()}.`));
      }
      // Every stream ends on a STATE, even one that got no record.
      await state.checkpoint();
    })();
    await (deps.cancel !== undefined ? Promise.race([run, cancelled(deps.cancel, run)]) : run);
  } catch (error) {
    for (const stream of streams) {
      const p = out.emitClosing(streamStatusMessage(stream, 'INCOMPLETE'));
      if (p) await p;
    }
    throw error;
  }
  for (const stream of streams) await send(streamStatusMessage(stream, 'COMPLETE'));
}

/** Rejects when `cancel` aborts; the abandoned run's own failure is then nobody's to report. */
function cancelled(cancel: AbortSignal, run: Promise<void>): Promise<never> {
  return new Promise<never>((_, reject) => {
    const stop = () => {
      run.catch(() => undefined);
      reject(new TransientError(`The sync was cancelled (${String(cancel.reason ?? 'abort')}): it stopped after its last STATE, where the next sync resumes.`));
    };
    if (cancel.aborted) stop();
    else cancel.addEventListener('abort', stop, { once: true });
  });
}
