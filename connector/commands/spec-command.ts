import type { MessageSink } from '../protocol/message-emitter.js';
import { specMessage } from '../protocol/message-factory.js';
import { buildSpec } from '../spec-builder.js';

export async function runSpec(sink: MessageSink): Promise<void> {
  await sink.emit(specMessage(buildSpec()));
}
