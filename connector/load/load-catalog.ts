import { readJsonFile } from '../config-reader.js';
import { ConfigError } from '../errors/connector-errors.js';
import type { ConfiguredAirbyteCatalog } from '../protocol/airbyte-message.js';
import { parseConfiguredCatalog, type ConfiguredStream } from '../read-input.js';
import { buildCatalog } from '../streams/catalog-builder.js';
import { STREAM_NAMES, streamDefinition, type StreamName } from '../streams/stream-registry.js';
import type { LoadStream } from './airbyte-loader.js';
import type { LoadMode } from './load-sql.js';
import { tablePlanFor } from './table-mapping.js';

/**
 * The configured catalog of a `sync` (built from discover) or a `load` (given, or the same
 * default), and what the loader makes of it.
 */

export interface CatalogChoice {
  /** Streams to select; all when undefined. */
  streams?: readonly string[] | undefined;
  /** full_refresh + overwrite instead of incremental + append_dedup. */
  fullRefresh?: boolean;
  syncId?: number;
}

/** Every discovered stream (or the chosen ones) configured as a local sync runs them. */
export function defaultConfiguredCatalog(choice: CatalogChoice = {}): ConfiguredAirbyteCatalog {
  const selected = choice.streams ?? STREAM_NAMES;
  for (const name of selected) {
    if (!(STREAM_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`--streams: "${name}" is not a stream of this source (streams: ${STREAM_NAMES.join(', ')}).`);
    }
  }
  return {
    streams: buildCatalog()
      .streams.filter((stream) => selected.includes(stream.name))
      .map((stream) => ({
        stream,
        sync_mode: choice.fullRefresh === true ? 'full_refresh' : 'incremental',
        destination_sync_mode: choice.fullRefresh === true ? 'overwrite' : 'append_dedup',
        ...(choice.fullRefresh === true ? {} : { cursor_field: stream.default_cursor_field ?? [] }),
        primary_key: stream.source_defined_primary_key ?? [],
        ...(choice.syncId !== undefined ? { sync_id: choice.syncId } : {}),
      })),
  };
}

export function parseStreamList(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new ConfigError('--streams: give at least one stream name, e.g. --streams fi_transactions,bulk_batch_rows.');
  return names;
}

export async function loadCatalogFile(path: string | undefined): Promise<ConfiguredStream[]> {
  return parseConfiguredCatalog(path === undefined ? defaultConfiguredCatalog() : await readJsonFile(path, 'catalog'));
}

/** `update` is append_dedup plus deletes, which this source never emits. */
export function loadModeOf(stream: ConfiguredStream): LoadMode {
  switch (stream.destinationSyncMode) {
    case 'append':
      return 'append';
    case 'overwrite':
      return 'overwrite';
    case 'append_dedup':
    case 'update':
      return 'append_dedup';
  }
}

export function loadStreamsFor(streams: readonly ConfiguredStream[], generationOf: (name: StreamName) => number = () => 0): LoadStream[] {
  return streams.map((stream) => ({
    plan: tablePlanFor(streamDefinition(stream.name)),
    mode: loadModeOf(stream),
    generationId: stream.generationId ?? generationOf(stream.name),
  }));
}
