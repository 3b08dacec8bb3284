import type { ResolvedConfig } from '../config-loader.js';
import type { FiDataHarvester } from '../fetch/fi-data-harvester.js';
import type { FinproClient } from '../finpro/finpro-client.js';
import type { FiRecordOutlet } from '../personal-data/fi-record-outlet.js';
import type { LogLevel } from '../protocol/airbyte-message.js';
import type { StateManager } from '../state/state-manager.js';
import type { SyncProgressKeeper } from '../state/sync-progress-keeper.js';
import type { InFlightBatch } from '../state/read-state.js';
import type { StreamName } from '../streams/stream-registry.js';
import type { PlannedConsent } from './batch-planner.js';
import type { ProgressReporter } from './progress-reporter.js';

/** What the watchers and the engine share for one read. */
export interface EngineContext {
  client: FinproClient;
  config: ResolvedConfig;
  /** Per-stream state and records; its checkpoints copy `sync` into every stream's STATE. */
  state: StateManager;
  /** The one progress of the sync in flight: events go here, once each. */
  sync: SyncProgressKeeper;
  harvester: FiDataHarvester;
  /** The door of FI records (data life, personal data); it learns FinPro's dataExpiry of single-request sessions. */
  fiRecords: FiRecordOutlet;
  progress: ProgressReporter;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (level: LogLevel, message: string) => void;
  /** Logs a WARN once per key (unknown enum values, odd payloads). */
  warnOnce: (key: string, message: string) => void;
  /**
   * Where consents of a chunk sit in the sync's plan (SyncProgress.failed_at), for recording
   * final failures. Empty when the sync is resumed without its plan (its base cannot advance,
   * so its failures are not needed) or for a consent the plan does not hold.
   */
  planPositions?: (chunk: number, consentIds: Iterable<string>) => number[];
  /** Called after each page of rows settles (the engine hangs its fi_* ESTIMATE here). */
  onRowsSettled?: () => Promise<void>;
}

/** What became of a batch at a poll. */
export type WatchOutcome =
  | { kind: 'running' }
  | { kind: 'finished'; retry: PlannedConsent[]; finalFailures: Record<string, string> }
  | { kind: 'dropped' };

export interface BatchWatch {
  readonly entry: InFlightBatch;
  nextPollAt: number;
  poll(): Promise<WatchOutcome>;
}

/**
 * Emits a record if its stream is selected. Every record a read emits belongs to a batch or
 * session of the sync in its state, which that state has not covered yet, so none is ever
 * held back for being older than the stream's cursor: its cursor comes from a clock (FinPro's
 * `updated_at`, our fetch time) that may have run ahead in an earlier sync, and a record
 * dropped for it would be lost for good.
 */
export async function emitIfWanted(ctx: EngineContext, stream: StreamName, data: Record<string, unknown>, cursor: string): Promise<boolean> {
  if (!ctx.state.isSelected(stream)) return false;
  const cursorMs = Date.parse(cursor);
  const ms = Number.isNaN(cursorMs) ? ctx.now() : cursorMs;
  const p = ctx.state.emit(stream, data, ms);
  if (p) await p;
  return true;
}

export const KNOWN_ROW_STATUSES = ['READY', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];
export const KNOWN_BATCH_STATUSES = ['READY', 'IN_PROGRESS', 'COMPLETED', 'FAILED'];
