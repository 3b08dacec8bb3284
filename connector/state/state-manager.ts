import { z } from 'zod';
import { ConfigError } from '../errors/connector-errors.js';
import { deepFreeze } from '../protocol/frozen-json.js';
import type { MessageSink } from '../protocol/message-emitter.js';
import { recordMessage, streamStateMessage } from '../protocol/message-factory.js';
import { streamDefinition, type StreamName } from '../streams/stream-registry.js';
import { StreamState, type Base, type SyncProgress } from './stream-state.js';
import { SyncProgressKeeper, type SyncProgressView } from './sync-progress-keeper.js';
import { baseAfterCompletion, emptyState, syncToResume, withCursor } from './state-transitions.js';

/**
 * The one keeper of per-stream state (after Airbyte's ConnectorStateManager): parses what the
 * platform handed back, keeps each stream's own cursor and base, emits records with their
 * per-stream count (never dropping one for its cursor: see BatchWatch.emit), and writes one
 * STATE per stream at a checkpoint, always after the records it covers, with a copy of the
 * sync in flight that the engine keeps (`progress`). When to checkpoint is the engine's
 * decision, not this class's.
 */
export class StateManager {
  /** Each stream's own part: its `sync`, if it came with one, is offered once by `resumableSync`. */
  private readonly states = new Map<StreamName, StreamState>();
  private readonly counts = new Map<StreamName, number>();
  private readonly maxEmittedMs = new Map<StreamName, number>();
  private readonly incomingSync: SyncProgress | undefined;
  /** `progress.changes` as of the last checkpoint: the steps each stream's `seq` still owes. */
  private changesWritten: number;
  readonly selected: ReadonlySet<StreamName>;
  /** Records emitted, all streams. */
  records = 0;

  constructor(
    streams: readonly StreamName[],
    incoming: ReadonlyMap<StreamName, StreamState | undefined>,
    private readonly sink: MessageSink,
    private readonly clock: () => number = Date.now,
    private readonly progress: SyncProgressView = new SyncProgressKeeper(),
  ) {
    this.selected = new Set(streams);
    const given: StreamState[] = [];
    for (const stream of streams) {
      const state = incoming.get(stream) ?? emptyState();
      given.push(state);
      const { sync: _shared, ...own } = state;
      this.states.set(stream, { ...own, base: deepFreeze(own.base) });
      this.counts.set(stream, 0);
      this.maxEmittedMs.set(stream, -Infinity);
    }
    this.incomingSync = syncToResume(given);
    this.changesWritten = progress.changes;
  }

  /** Parses one stream's blob; anything malformed is a ConfigError naming `state.<stream>.<field>`. */
  static parse(stream: StreamName, blob: Record<string, unknown>): StreamState | undefined {
    if (Object.keys(blob).length === 0) return undefined;
    const result = StreamState.safeParse(blob);
    if (result.success) return result.data;
    throw new ConfigError(`Invalid state: ${formatIssues(result.error, `state.${stream}`)}.`);
  }

  /** A stream's own state (cursor, base), without the sync in flight. */
  state(stream: StreamName): StreamState {
    return this.states.get(stream)!;
  }

  allStates(): StreamState[] {
    return [...this.states.values()];
  }

  /** The sync some incoming state was in the middle of, to finish before anything new. */
  resumableSync(): SyncProgress | undefined {
    return this.incomingSync;
  }

  /**
   * Moves each stream's base as the completed `sync` says (see baseAfterCompletion). Bases are
   * frozen: every stream's STATE then writes the shared one from one serialisation (frozen-json.ts).
   */
  completeSync(sync: SyncProgress, base: Base | null): void {
    deepFreeze(base);
    for (const [stream, state] of this.states) this.states.set(stream, { ...state, base: baseAfterCompletion(state, sync, base) });
  }

  isSelected(stream: StreamName): boolean {
    return this.selected.has(stream);
  }

  /** Emits one record. Returns the sink's backpressure promise, if any. */
  emit(stream: StreamName, data: Record<string, unknown>, cursorMs: number): Promise<void> | undefined {
    this.counts.set(stream, this.counts.get(stream)! + 1);
    this.records++;
    if (cursorMs > this.maxEmittedMs.get(stream)!) this.maxEmittedMs.set(stream, cursorMs);
    return this.sink.emit(recordMessage(stream, data, this.clock));
  }

  /**
   * One STATE per selected stream, covering exactly the records emitted before it. `durable`:
   * also wait for the sink's durability barrier, before a side effect that a lost state would repeat.
   */
  async checkpoint(options: { durable?: boolean } = {}): Promise<void> {
    const sync = this.progress.current;
    const steps = this.progress.changes - this.changesWritten;
    this.changesWritten = this.progress.changes;
    for (const [stream, state] of this.states) {
      let current = steps > 0 ? { ...state, seq: state.seq + steps } : state;
      const maxMs = this.maxEmittedMs.get(stream)!;
      if (maxMs > -Infinity) current = withCursor(current, new Date(maxMs).toISOString());
      this.states.set(stream, current);
      // cursor_field beside cursor: how Airbyte's acceptance tests find the cursor (see StreamState).
      const own: StreamState = { ...current, cursor_field: [...streamDefinition(stream).cursorField] };
      const written: StreamState = sync === undefined ? own : { ...own, sync };
      const p = this.sink.emit(streamStateMessage(stream, written as unknown as Record<string, unknown>, this.counts.get(stream)!));
      if (p) await p;
      this.counts.set(stream, 0);
    }
    if (options.durable === true) await this.sink.barrier();
  }
}

function formatIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}
