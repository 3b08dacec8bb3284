import { z } from 'zod';
import { formatZodIssues, loadConfig, readJsonFile, type ResolvedConfig } from './config-reader.js';
import { ConfigError } from './errors/connector-errors.js';
import { AirbyteStateMessage, ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream, type SyncMode } from './protocol/airbyte-message.js';
import { isStreamName, streamDefinition, type StreamName } from './streams/stream-registry.js';

/**
 * The three inputs of `read`, validated at the door. Anything wrong is a ConfigError that
 * names the file and the field, raised before a single request is made.
 */

export interface ConfiguredStream {
  name: StreamName;
  syncMode: SyncMode;
  destinationSyncMode: ConfiguredAirbyteStream['destination_sync_mode'];
  generationId: number | undefined;
}

/** Raw per-stream state blobs as the platform handed them back; the state manager parses their contents. */
export type StreamStateBlobs = Map<StreamName, Record<string, unknown>>;

export interface ReadInput {
  config: ResolvedConfig;
  streams: ConfiguredStream[];
  state: StreamStateBlobs;
  /** Warnings found while reading the inputs (e.g. state for a stream this version does not know). */
  warnings: string[];
}

export async function loadReadInput(paths: { config: string; catalog: string; state?: string | undefined }): Promise<ReadInput> {
  const config = await loadConfig(paths.config);
  const streams = parseConfiguredCatalog(await readJsonFile(paths.catalog, 'catalog'));
  const warnings: string[] = [...config.consentWarnings];
  const state = paths.state !== undefined ? parseState(await readJsonFile(paths.state, 'state'), warnings) : new Map();
  return { config, streams, state, warnings };
}

export function parseConfiguredCatalog(raw: unknown): ConfiguredStream[] {
  const result = ConfiguredAirbyteCatalog.safeParse(raw);
  if (!result.success) throw new ConfigError(`Invalid configured catalog: ${formatZodIssues(result.error, 'catalog')}.`);
  if (result.data.streams.length === 0) throw new ConfigError('Invalid configured catalog: catalog.streams selects no stream.');
  const seen = new Set<string>();
  return result.data.streams.map((configured, index) => {
    const where = `catalog.streams.${index}`;
    const name = configured.stream.name;
    if (!isStreamName(name)) throw new ConfigError(`Invalid configured catalog: ${where}.stream.name ${quoted(name)} is not a stream of this source.`);
    if (seen.has(name)) throw new ConfigError(`Invalid configured catalog: ${where}.stream.name ${quoted(name)} is configured twice.`);
    seen.add(name);
    const definition = streamDefinition(name);
    // The cursor is source-defined: an omitted cursor_field means ours; a different one cannot be honoured.
    if (configured.sync_mode === 'incremental' && configured.cursor_field !== undefined && configured.cursor_field.length > 0) {
      if (configured.cursor_field.join('.') !== definition.cursorField.join('.')) {
        throw new ConfigError(
          `Invalid configured catalog: ${where}.cursor_field [${configured.cursor_field.join(', ')}] differs from the source-defined cursor [${definition.cursorField.join(', ')}] of ${name}.`,
        );
      }
    }
    if (configured.sync_mode === 'incremental' && configured.stream.supported_sync_modes.length > 0 && !configured.stream.supported_sync_modes.includes('incremental')) {
      throw new ConfigError(`Invalid configured catalog: ${where} asks for incremental but its stream lists only ${configured.stream.supported_sync_modes.join(', ')}.`);
    }
    return {
      name,
      syncMode: configured.sync_mode,
      destinationSyncMode: configured.destination_sync_mode,
      generationId: configured.generation_id,
    };
  });
}

/**
 * The platform hands state back as the list of STATE messages we emitted. We emit only
 * STREAM state, so that is all we accept; `[]`, `{}` and `null` mean "no state".
 */
export function parseState(raw: unknown, warnings: string[]): StreamStateBlobs {
  const blobs: StreamStateBlobs = new Map();
  if (raw === null || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0)) return blobs;
  if (!Array.isArray(raw)) {
    throw new ConfigError('Invalid state: expected a JSON array of per-stream STATE messages (LEGACY whole-connector state is not supported).');
  }
  const messages = z.array(AirbyteStateMessage).safeParse(raw);
  if (!messages.success) throw new ConfigError(`Invalid state: ${formatZodIssues(messages.error, 'state')}.`);
  messages.data.forEach((message, index) => {
    const where = `state.${index}`;
    if (message.type !== 'STREAM') {
      throw new ConfigError(`Invalid state: ${where}.type is ${message.type ?? 'missing (LEGACY)'}; this source reads only type STREAM with a stream field.`);
    }
    if (message.stream === undefined) throw new ConfigError(`Invalid state: ${where}.stream is missing; a STREAM state names its stream in stream.stream_descriptor.`);
    const name = message.stream.stream_descriptor.name;
    if (!isStreamName(name)) {
      warnings.push(`Ignoring state for unknown stream ${quoted(name)} (${where}).`);
      return;
    }
    if (blobs.has(name)) throw new ConfigError(`Invalid state: ${where} is a second state for stream ${name}.`);
    blobs.set(name, message.stream.stream_state ?? {});
  });
  return blobs;
}

/** A name from the input, quoted and cut short: a 300,000-character name must not be echoed whole. */
function quoted(name: string): string {
  return name.length > 100 ? `"${name.slice(0, 100)}..." (${name.length} characters)` : `"${name}"`;
}
