import type { SyncProgress } from './stream-state.js';
import { nextSync, type SyncEvent } from './sync-progress-transitions.js';

/** What a checkpoint needs of the sync in flight: a copy to put in every stream's STATE. */
export interface SyncProgressView {
  readonly current: SyncProgress | undefined;
  /** Changes since the read began: each one is a step of every stream's `seq`. */
  readonly changes: number;
}

/**
 * The one copy of the sync in flight (its plan position, in-flight batches, failures). The
 * engine starts, resumes and finishes it; its watches report events; each event goes through
 * the pure `nextSync` once, whatever the number of selected streams. The state manager only
 * reads it, to copy it into each stream's STATE at a checkpoint.
 */
export class SyncProgressKeeper implements SyncProgressView {
  private sync: SyncProgress | undefined;
  private changeCount = 0;

  get current(): SyncProgress | undefined {
    return this.sync;
  }

  get changes(): number {
    return this.changeCount;
  }

  /** The sync in flight; a watch or engine step without one is a bug, not a state to carry on from. */
  require(): SyncProgress {
    if (this.sync === undefined) throw new Error('no sync in progress');
    return this.sync;
  }

  start(sync: SyncProgress): void {
    this.sync = sync;
    this.changeCount++;
  }

  /** Takes over the sync an incoming state holds: nothing changed yet, so no step. */
  resume(sync: SyncProgress): void {
    this.sync = sync;
  }

  apply(event: SyncEvent): void {
    const before = this.require();
    const after = nextSync(before, event);
    if (after === before) return;
    this.sync = after;
    this.changeCount++;
  }

  /** Ends the sync and returns its last progress (for the new base). */
  finish(): SyncProgress {
    const finished = this.require();
    this.sync = undefined;
    this.changeCount++;
    return finished;
  }
}
