import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { keywordUses, REPO_ROOT, runSpec, schemaNodes } from '../support/index.js';

/** `spec` as the platform sees it, and the Airbyte acceptance rules on the spec's shape. */

const FORBIDDEN_KEYWORDS = ['anyOf', 'allOf', 'not', 'patternProperties', 'if', 'then', 'else'];

describe('spec', async () => {
  const output = await runSpec();
  const spec = output.spec!;
  const connectionSpecification = spec.connectionSpecification;

  it('prints exactly one SPEC message and exits 0', () => {
    expect(output.exitCode).toBe(0);
    expect(output.messages.map((m) => m.type)).toEqual(['SPEC']);
    expect(output.protocolErrors).toEqual([]);
  });

  it('equals the checked-in spec/spec.json (regenerate with `npm run spec:generate`)', () => {
    const checkedIn = JSON.parse(readFileSync(join(REPO_ROOT, 'spec', 'spec.json'), 'utf8')) as unknown;
    expect(spec).toEqual(checkedIn);
  });

  it('is a valid draft-07 JSON Schema that ajv compiles', () => {
    expect(connectionSpecification['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(connectionSpecification), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(connectionSpecification)).not.toThrow();
  });

  it('marks client_secret airbyte_secret', () => {
    const credentials = (connectionSpecification['properties'] as Record<string, { properties: Record<string, Record<string, unknown>> }>)['credentials']!;
    expect(credentials.properties['client_secret']!['airbyte_secret']).toBe(true);
    // Nothing else in the credentials is a secret the UI should hide.
    expect(credentials.properties['client_id']!['airbyte_secret']).toBeUndefined();
  });

  it('uses none of the keywords the acceptance tests forbid', () => {
    expect(keywordUses(connectionSpecification, FORBIDDEN_KEYWORDS)).toEqual([]);
  });

  it('gives every oneOf variant one shared const discriminator', () => {
    for (const [path, node] of schemaNodes(connectionSpecification)) {
      const variants = node['oneOf'] as Array<{ properties?: Record<string, { const?: unknown }> }> | undefined;
      if (variants === undefined) continue;
      const shared = Object.keys(variants[0]?.properties ?? {}).filter((key) =>
        variants.every((variant) => variant.properties?.[key]?.const !== undefined),
      );
      expect(shared, `${path}/oneOf has no common const property`).not.toEqual([]);
    }
  });

  it('gives every property a title', () => {
    const untitled = schemaNodes(connectionSpecification)
      .filter(([path]) => /\/properties\/[^/]+$/.test(path))
      .filter(([, node]) => typeof node['title'] !== 'string' || node['title'] === '')
      .map(([path]) => path);
    expect(untitled).toEqual([]);
  });

  it('accepts the documented example config and rejects one without credentials', () => {
    const validate = new Ajv({ strict: false }).compile(connectionSpecification);
    const example = JSON.parse(readFileSync(join(REPO_ROOT, 'integration_tests', 'sample_config.json'), 'utf8')) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ base_url: 'https://x.example.com', consent_ids: ['a'] })).toBe(false);
  });

  it('declares incremental support and the destination modes it can feed', () => {
    expect(spec.supportsIncremental).toBe(true);
    expect(spec.supported_destination_sync_modes).toEqual(expect.arrayContaining(['overwrite', 'append', 'append_dedup']));
  });
});
