import type { ResolvedConfig } from '../config-reader.js';
import type { FiDataHarvester } from '../fetch/fi-data-harvester.js';
import type { FinproClient } from '../finpro/finpro-client.js';
import type { FiRecordOutlet } from '../personal-data/fi-record-outlet.js';
import type { LogLevel } from '../protocol/airbyte-message.js';
import type { StateManager } from '../state/state-manager.js';
import type { SyncProgressKeeper } from '../state/sync-progress-keeper.js';
import type { ProgressReporter } from './progress-reporter.js';

/** What the engine of one read is built from (it builds each batch's watch and backend from these). */
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
}
