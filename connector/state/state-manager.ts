import { z } from 'zod';
import { ConfigError } from '../errors/connector-errors.js';
import type { MessageSink } from '../protocol/message-emitter.js';
import { recordMessage, streamStateMessage } from '../protocol/message-factory.js';
import type { StreamName } from '../streams/stream-registry.js';
import { StreamState } from './read-state.js';
import { emptyState, nextState, type StateEvent } from './state-transitions.js';

/**
 * The one keeper of per-stream state (after Airbyte's ConnectorStateManager): parses what the
 * platform handed back, applies state events to every selected stream, emits records with
 * their per-stream count (never dropping one for its cursor: see emitIfWanted), and writes one
 * STATE per stream at a checkpoint, always after the records it covers. When to checkpoint
 * is the engine's decision, not this class's.
 */
export class StateManager {
  private readonly states = new Map<StreamName, StreamState>();
  private readonly counts = new Map<StreamName, number>();
  private readonly maxEmittedMs = new Map<StreamName, number>();
  readonly selected: ReadonlySet<StreamName>;
  /** Records emitted, all streams. */
  records = 0;

  constructor(
    streams: readonly StreamName[],
    incoming: ReadonlyMap<StreamName, StreamState | undefined>,
    private readonly sink: MessageSink,
    private readonly clock: () => number = Date.now,
  ) {
    this.selected = new Set(streams);
    for (const stream of streams) {
      const state = incoming.get(stream) ?? emptyState();
      this.states.set(stream, state);
      this.counts.set(stream, 0);
      this.maxEmittedMs.set(stream, -Infinity);
    }
  }

  /** Parses one stream's blob; anything malformed is a ConfigError naming `state.<stream>.<field>`. */
  static parse(stream: StreamName, blob: Record<string, unknown>): StreamState | undefined {
    if (Object.keys(blob).length === 0) return undefined;
    const result = StreamState.safeParse(blob);
    if (result.success) return result.data;
    throw new ConfigError(`Invalid state: ${formatIssues(result.error, `state.${stream}`)}.`);
  }

  state(stream: StreamName): StreamState {
    return this.states.get(stream)!;
  }

  allStates(): StreamState[] {
    return [...this.states.values()];
  }

  apply(event: StateEvent): void {
    for (const [stream, state] of this.states) this.states.set(stream, nextState(state, event));
  }

  /** Puts the sync being resumed into every selected stream's state, so all of them follow it from here. */
  adoptSync(sync: StreamState['sync']): void {
    for (const [stream, state] of this.states) {
      const { sync: _old, ...rest } = state;
      this.states.set(stream, sync === undefined ? rest : { ...rest, sync });
    }
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
    for (const [stream, state] of this.states) {
      let current = state;
      const maxMs = this.maxEmittedMs.get(stream)!;
      if (maxMs > -Infinity) current = nextState(current, { type: 'records-emitted', cursor: new Date(maxMs).toISOString() });
      this.states.set(stream, current);
      const p = this.sink.emit(streamStateMessage(stream, current as unknown as Record<string, unknown>, this.counts.get(stream)!));
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
