import { loadConfig } from '../config-reader.js';
import type { MessageSink } from '../protocol/message-emitter.js';
import { catalogMessage } from '../protocol/message-factory.js';
import { buildCatalog } from '../streams/catalog-builder.js';

/** The catalog is static, but the config is still validated: the platform expects discover to reject a bad one. */
export async function runDiscover(configPath: string, sink: MessageSink): Promise<void> {
  await loadConfig(configPath);
  await sink.emit(catalogMessage(buildCatalog()));
}
