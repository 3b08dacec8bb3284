import { describe, expect, it } from 'vitest';
import { hasPropertyPath } from '../../integration_tests/support/schema-walk.js';
import { buildCatalog } from './catalog-builder.js';
import { loadStreamSchema } from './schema-reader.js';
import { STREAMS, STREAM_NAMES, isStreamName, streamDefinition } from './stream-registry.js';
import { decimalDeclarationProblems } from './test-support/decimal-declaration-check.js';

describe('stream registry and catalog', () => {
  it('derives names from the definitions, unique', () => {
    expect(STREAM_NAMES).toEqual(STREAMS.map((s) => s.name));
    expect(new Set(STREAM_NAMES).size).toBe(STREAM_NAMES.length);
    expect(isStreamName('fi_data')).toBe(true);
    expect(isStreamName('constructor')).toBe(false);
    expect(streamDefinition('fi_transactions').primaryKey).toEqual([['session_id'], ['link_reference_number'], ['txn_id']]);
  });

  it.each(STREAM_NAMES)('%s: schema declares its key and cursor, lists them as required, and declares every amount as exact decimal text', (name) => {
    const schema = loadStreamSchema(name);
    const definition = streamDefinition(name);
    const required = schema['required'] as string[];
    for (const path of [...definition.primaryKey, definition.cursorField]) {
      expect(hasPropertyPath(schema, path), path.join('.')).toBe(true);
      expect(required).toContain(path[0]);
    }
    expect(decimalDeclarationProblems(schema)).toEqual([]);
  });

  it('builds a catalog whose streams mirror the definitions', () => {
    for (const stream of buildCatalog().streams) {
      const definition = streamDefinition(stream.name as (typeof STREAM_NAMES)[number]);
      expect(stream.default_cursor_field).toEqual(definition.cursorField);
      expect(stream.source_defined_primary_key).toEqual(definition.primaryKey);
      expect(stream.json_schema).toBe(loadStreamSchema(stream.name));
      expect(stream.is_resumable).toBe(true);
    }
  });
});
