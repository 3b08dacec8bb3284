import type { AirbyteCatalog, AirbyteStream } from '../protocol/airbyte-message.js';
import { loadStreamSchema } from './schema-reader.js';
import { STREAMS } from './stream-registry.js';

/** The CATALOG that `discover` prints: every stream, incremental-capable and resumable. */
export function buildCatalog(): AirbyteCatalog {
  return {
    streams: STREAMS.map(
      (stream): AirbyteStream => ({
        name: stream.name,
        json_schema: loadStreamSchema(stream.name),
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: [...stream.cursorField],
        source_defined_primary_key: stream.primaryKey.map((path) => [...path]),
        is_resumable: true,
      }),
    ),
  };
}
