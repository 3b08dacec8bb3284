import { SystemError } from './errors/connector-errors.js';
import type { MessageSink } from './protocol/message-emitter.js';
import type { ReadInput } from './read-input.js';

/** Collaborators a read can be given instead of the real ones (tests, `sync`). */
export interface ReadDeps {
  /** Wall clock; the plan's "now". */
  now?: () => Date;
}

/**
 * One sync: state in -> plan -> schedule -> watch -> fetch -> records + checkpoints.
 * Writes only to `sink`. Throws a ConnectorError after emitting INCOMPLETE statuses when the
 * sync cannot finish; never emits a state for records it has not emitted.
 */
export async function readSource(input: ReadInput, sink: MessageSink, deps: ReadDeps = {}): Promise<void> {
  void input;
  void sink;
  void deps;
  throw new SystemError('read is not implemented yet');
}
