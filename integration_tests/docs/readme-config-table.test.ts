import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../connector/config.js';
import { REPO_ROOT } from '../support/repo-paths.js';

/**
 * The README's configuration table must list every property of the config's zod schema (the
 * source spec/spec.json is generated from), and nothing else.
 */

type Schema = { type?: unknown; properties?: Record<string, Schema>; items?: Schema; default?: unknown };

function specFields(props: Record<string, Schema>, prefix = ''): string[] {
  return Object.entries(props).flatMap(([name, schema]) => {
    const path = prefix + name;
    const nested = schema.properties ? specFields(schema.properties, `${path}.`) : [];
    const items = schema.items?.properties ? specFields(schema.items.properties, `${path}[].`) : [];
    return [path, ...nested, ...items];
  });
}

describe('README', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const spec = { connectionSpecification: configJsonSchema() as Schema };
  const table = readme.slice(readme.indexOf('<!-- config-table:start -->'), readme.indexOf('<!-- config-table:end -->'));
  const rows = [...table.matchAll(/^\| `([^`]+)` \| ([^|]*) \|[^|]*\| ([^|]*) \|/gm)].map((m) => ({ field: m[1]!, type: m[2]!.trim(), default: m[3]!.trim() }));

  it('documents every config field of the spec, and only those', () => {
    expect(rows.map((r) => r.field).sort()).toEqual(specFields(spec.connectionSpecification.properties!).sort());
  });

  it('shows the spec defaults', () => {
    const props = spec.connectionSpecification.properties!;
    for (const row of rows.filter((r) => !r.field.includes('.') && !r.field.includes('['))) {
      const expected = props[row.field]!.default;
      if (expected !== undefined && props[row.field]!.type !== 'object') expect(row.default, row.field).toBe(`\`${JSON.stringify(expected)}\``);
    }
  });

  it('puts the two commands up front', () => {
    const head = readme.slice(0, readme.indexOf('## Configuration'));
    expect(head).toContain('npm ci && npm run demo');
    expect(head).toContain('npm ci && npm test');
  });
});
