import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { STREAM_NAMES } from '../../connector/streams/stream-registry.js';
import { hasPropertyPath, keywordUses, recordValidator, runDiscover, testConfig } from '../support/index.js';

/** `discover` through the built CLI: the catalog the platform stores, checked as the acceptance tests do. */

const FORBIDDEN = ['$ref', 'allOf', 'not'];

describe('discover', async () => {
  const output = await runDiscover(testConfig());
  const streams = output.catalog?.streams ?? [];

  it('prints one CATALOG and exits 0', () => {
    expect(output.exitCode).toBe(0);
    expect(output.messages.map((m) => m.type)).toEqual(['CATALOG']);
  });

  it('offers the six streams, each once', () => {
    expect(streams.map((s) => s.name)).toEqual([...STREAM_NAMES]);
    expect(new Set(streams.map((s) => s.name)).size).toBe(6);
    expect(STREAM_NAMES).toEqual(['bulk_batches', 'bulk_batch_rows', 'fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']);
  });

  it.each(STREAM_NAMES)('%s: draft-07 schema that compiles, no $ref/allOf/not', (name) => {
    const stream = streams.find((s) => s.name === name)!;
    const schema = stream.json_schema;
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['type']).toBe('object');
    const ajv = new Ajv({ strict: false, validateFormats: false });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
    expect(keywordUses(schema, FORBIDDEN)).toEqual([]);
    // The harness's record validator (custom `decimal` format) accepts the schema too.
    expect(() => recordValidator(name)).not.toThrow();
  });

  it.each(STREAM_NAMES)('%s: primary key and cursor paths exist in properties', (name) => {
    const stream = streams.find((s) => s.name === name)!;
    expect(stream.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
    expect(stream.source_defined_cursor).toBe(true);
    expect(stream.default_cursor_field?.length).toBeGreaterThan(0);
    expect(hasPropertyPath(stream.json_schema, stream.default_cursor_field!)).toBe(true);
    expect(stream.source_defined_primary_key?.length).toBeGreaterThan(0);
    for (const key of stream.source_defined_primary_key!) expect(hasPropertyPath(stream.json_schema, key), key.join('.')).toBe(true);
  });

  it('rejects an invalid config with a config_error TRACE and exit 1', async () => {
    const bad = await runDiscover(testConfig({ extra: { page_size: 5000 } }));
    expect(bad.exitCode).toBe(1);
    expect(bad.messages.map((m) => m.type)).toEqual(['TRACE']);
    expect(bad.errors[0]!.failure_type).toBe('config_error');
    expect(bad.errors[0]!.message).toMatch(/config\.page_size/);
  });
});
