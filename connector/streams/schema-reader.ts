import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../package-paths.js';

/** Reads `schemas/<stream>.json`, the JSON Schema of a stream's records (Airbyte convention). Cached: schemas never change at run time. */
const cache = new Map<string, Record<string, unknown>>();

export function loadStreamSchema(stream: string): Record<string, unknown> {
  let schema = cache.get(stream);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${stream}.json`), 'utf8')) as Record<string, unknown>;
    cache.set(stream, schema);
  }
  return schema;
}
