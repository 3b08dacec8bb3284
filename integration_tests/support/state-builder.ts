import type { AirbyteStateMessage } from '../../connector/protocol/airbyte-message.js';

/**
 * Builds the `--state` input the platform hands back: a JSON array of per-stream STATE
 * messages (the shape the connector emits). For malformed shapes use `raw()`.
 *
 *   new StateBuilder().withStreamState('bulk_batches', { cursor: '...' }).build()
 */
export class StateBuilder {
  private readonly messages: unknown[] = [];

  /** One `type: STREAM` state for `stream`, as the platform stores it. */
  withStreamState(stream: string, streamState: Record<string, unknown>, recordCount?: number): this {
    const message: AirbyteStateMessage = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      ...(recordCount !== undefined ? { sourceStats: { recordCount } } : {}),
    };
    this.messages.push(message);
    return this;
  }

  /** Appends any value as is (LEGACY or GLOBAL states, wrong types...). */
  raw(message: unknown): this {
    this.messages.push(message);
    return this;
  }

  /** The state list (a fresh copy each call). */
  build(): AirbyteStateMessage[] {
    return structuredClone(this.messages) as AirbyteStateMessage[];
  }

  /** The latest stream_state per stream from a run's STATE messages: what a next run resumes from. */
  static fromEmitted(states: readonly AirbyteStateMessage[]): StateBuilder {
    const latest = new Map<string, Record<string, unknown>>();
    for (const state of states) {
      if (state.type === 'STREAM' && state.stream !== undefined) latest.set(state.stream.stream_descriptor.name, state.stream.stream_state ?? {});
    }
    const builder = new StateBuilder();
    for (const [stream, blob] of latest) builder.withStreamState(stream, blob);
    return builder;
  }
}
