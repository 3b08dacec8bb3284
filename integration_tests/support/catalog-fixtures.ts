import type { ConfiguredAirbyteCatalog, DestinationSyncMode, SyncMode } from '../../connector/protocol/airbyte-message.js';
import { buildCatalog } from '../../connector/streams/catalog-builder.js';
import { STREAM_NAMES } from '../../connector/streams/stream-registry.js';

/**
 * Configured catalogs built from what `discover` returns (connector/streams/catalog-builder.ts),
 * so fixtures cannot drift from the real streams.
 */
export interface CatalogOptions {
  streams?: readonly string[];
  syncMode?: SyncMode;
  destinationSyncMode?: DestinationSyncMode;
}

export function configuredCatalog(options: CatalogOptions = {}): ConfiguredAirbyteCatalog {
  const wanted = options.streams ?? STREAM_NAMES;
  const syncMode = options.syncMode ?? 'incremental';
  const discovered = buildCatalog().streams;
  return {
    streams: wanted.map((name) => {
      const stream = discovered.find((s) => s.name === name);
      if (stream === undefined) throw new Error(`configuredCatalog: ${name} is not a discovered stream`);
      return {
        stream,
        sync_mode: syncMode,
        destination_sync_mode: options.destinationSyncMode ?? (syncMode === 'incremental' ? 'append_dedup' : 'overwrite'),
        ...(syncMode === 'incremental' ? { cursor_field: stream.default_cursor_field ?? [] } : {}),
        primary_key: stream.source_defined_primary_key ?? [],
      };
    }),
  };
}
