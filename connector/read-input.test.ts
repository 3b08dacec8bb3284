import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredCatalog } from '../integration_tests/support/catalog-fixtures.js';
import { StateBuilder } from '../integration_tests/support/state-builder.js';
import { makeTempDir } from '../integration_tests/support/temp-files.js';
import { ConfigError } from './errors/connector-errors.js';
import { loadReadInput, parseConfiguredCatalog, parseState } from './read-input.js';

describe('parseConfiguredCatalog', () => {
  it('accepts every stream in both sync modes', () => {
    for (const syncMode of ['full_refresh', 'incremental'] as const) {
      const streams = parseConfiguredCatalog(configuredCatalog({ syncMode }));
      expect(streams.map((s) => s.name)).toEqual(['bulk_batches', 'bulk_batch_rows', 'fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']);
      expect(streams.every((s) => s.syncMode === syncMode)).toBe(true);
    }
  });

  it('accepts an omitted or empty cursor_field (the source defines it)', () => {
    const catalog = configuredCatalog({ streams: ['fi_data'] });
    delete catalog.streams[0]!.cursor_field;
    expect(parseConfiguredCatalog(catalog)[0]!.name).toBe('fi_data');
    catalog.streams[0]!.cursor_field = [];
    expect(parseConfiguredCatalog(catalog)[0]!.name).toBe('fi_data');
  });

  it('keeps generation_id for the loaders', () => {
    const catalog = configuredCatalog({ streams: ['fi_data'] });
    catalog.streams[0]!.generation_id = 7;
    expect(parseConfiguredCatalog(catalog)[0]!.generationId).toBe(7);
  });

  it.each([
    ['not an object', 'catalog', /catalog: /],
    ['no streams field', {}, /catalog\.streams/],
    ['incremental on a stream that lists only full_refresh', 'full-only', /asks for incremental but its stream lists only full_refresh/],
  ])('rejects %s', (_what, value, pattern) => {
    let raw: unknown = value;
    if (value === 'full-only') {
      raw = configuredCatalog({ streams: ['fi_data'] });
      (raw as ReturnType<typeof configuredCatalog>).streams[0]!.stream.supported_sync_modes = ['full_refresh'];
    }
    expect(() => parseConfiguredCatalog(raw)).toThrow(ConfigError);
    expect(() => parseConfiguredCatalog(raw)).toThrow(pattern);
  });
});

describe('parseState', () => {
  it('reads per-stream blobs', () => {
    const state = new StateBuilder().withStreamState('fi_data', { cursor: 'a' }).withStreamState('bulk_batches', { cursor: 'b' }, 3).build();
    const blobs = parseState(state, []);
    expect(blobs.get('fi_data')).toEqual({ cursor: 'a' });
    expect(blobs.get('bulk_batches')).toEqual({ cursor: 'b' });
  });

  it('treats [], {} and null as no state', () => {
    for (const raw of [[], {}, null]) expect(parseState(raw, []).size).toBe(0);
  });

  it('warns about, and skips, state of an unknown stream', () => {
    const warnings: string[] = [];
    const blobs = parseState(new StateBuilder().withStreamState('retired_stream', {}).build(), warnings);
    expect(blobs.size).toBe(0);
    expect(warnings).toEqual(['Ignoring state for unknown stream "retired_stream" (state.0).']);
  });

  it('treats a missing stream_state as empty', () => {
    const blobs = parseState([{ type: 'STREAM', stream: { stream_descriptor: { name: 'fi_data' } } }], []);
    expect(blobs.get('fi_data')).toEqual({});
  });
});

describe('loadReadInput', () => {
  const dir = makeTempDir();
  afterAll(() => dir.remove());
  const write = (name: string, value: unknown) => {
    writeFileSync(dir.file(name), JSON.stringify(value));
    return dir.file(name);
  };

  it('loads config, catalog and optional state together', async () => {
    const config = write('config.json', {
      credentials: { client_id: 'c', client_secret: 's3cr3t-read-input', app_identifier: 'a', organisation_id: 'o' },
      base_url: 'https://api.finpro.example.com',
      consent_ids: ['c-1'],
    });
    const catalog = write('catalog.json', configuredCatalog({ streams: ['fi_data'] }));
    const withoutState = await loadReadInput({ config, catalog });
    expect(withoutState.streams.map((s) => s.name)).toEqual(['fi_data']);
    expect(withoutState.state.size).toBe(0);
    const state = write('state.json', new StateBuilder().withStreamState('fi_data', { x: 1 }).build());
    expect((await loadReadInput({ config, catalog, state })).state.get('fi_data')).toEqual({ x: 1 });
  });
});
