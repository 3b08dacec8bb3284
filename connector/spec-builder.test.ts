import { describe, expect, it } from 'vitest';
import { ConfigSchema } from './config.js';
import { buildSpec, readSpecFile, specFileText } from './spec-builder.js';

describe('spec', () => {
  it('spec/spec.json is up to date with config.ts (run `npm run spec:generate` when this fails)', async () => {
    expect(await readSpecFile()).toBe(specFileText());
  });

  it('lists every config field of the zod schema, with the required ones required', () => {
    const spec = buildSpec().connectionSpecification as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(spec.properties).sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
    expect(spec.required.sort()).toEqual(['base_url', 'credentials']);
  });
});
