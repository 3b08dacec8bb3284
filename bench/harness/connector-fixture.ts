import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCatalog } from '../../connector/streams/catalog-builder.js';
import type { SandboxCredentials } from '../../sandbox/sandbox-options.js';

/**
 * The files a `read` needs, written for one sandbox: config (consents as a file, as a large
 * user would give them), and a configured catalog built from the connector's own catalog
 * so the bench never drifts from the streams it measures.
 */
export interface FixtureOptions {
  dir: string;
  baseUrl: string;
  credentials: SandboxCredentials;
  consentIdsFile: string;
  /** Extra config fields (fi_data_range_from, max_concurrency, polling...). */
  config?: Record<string, unknown>;
  /** Streams to select; default every stream. */
  streams?: string[];
  syncMode?: 'full_refresh' | 'incremental';
}

export interface Fixture {
  configPath: string;
  catalogPath: string;
}

/** Fast polling: the sandbox runs sped up, so the connector's default 5 s first poll would only measure sleeping. */
export const BENCH_POLLING = { initial_interval_seconds: 0.2, max_interval_seconds: 1, max_wait_minutes: 30 };

export async function writeFixture(options: FixtureOptions): Promise<Fixture> {
  await mkdir(options.dir, { recursive: true });
  const config = {
    credentials: options.credentials,
    base_url: options.baseUrl,
    consent_ids_file: options.consentIdsFile,
    polling: BENCH_POLLING,
    ...options.config,
  };
  const syncMode = options.syncMode ?? 'full_refresh';
  const catalog = {
    streams: buildCatalog()
      .streams.filter((stream) => options.streams === undefined || options.streams.includes(stream.name))
      .map((stream) => ({
        stream,
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        ...(syncMode === 'incremental' ? { cursor_field: stream.default_cursor_field } : {}),
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      })),
  };
  const configPath = join(options.dir, 'config.json');
  const catalogPath = join(options.dir, 'catalog.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  await writeFile(catalogPath, JSON.stringify(catalog, null, 2));
  return { configPath, catalogPath };
}
