import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../support/index.js';
import { highStrictnessProblems, parseCatConfig } from './cat-config-model.js';

const ours = () => parseYaml(readFileSync(join(REPO_ROOT, 'acceptance-test-config.yml'), 'utf8')) as Record<string, any>;
const STREAMS = ['a', 'b'];

describe('CAT config model', () => {
  it('loads the repository config', () => {
    expect(parseCatConfig(ours()).test_strictness_level).toBe('high');
  });

  it.each([
    ['a key CAT removed from expect_records', (c: any) => (c.acceptance_tests.basic_read.tests[0].expect_records.extra_fields = false), 'extra_fields'],
    ['basic_read.ignored_fields, which CAT no longer has', (c: any) => (c.acceptance_tests.basic_read.tests[0].ignored_fields = {}), 'ignored_fields'],
    ['an unknown suite', (c: any) => (c.acceptance_tests.speed = { tests: [] }), 'speed'],
    ['an unknown top-level key', (c: any) => (c.strictness = 'high'), 'strictness'],
    ['a connection status CAT does not know', (c: any) => (c.acceptance_tests.connection.tests[0].status = 'ok'), 'status'],
    ['expected records with both a path and a bypass_reason', (c: any) => (c.acceptance_tests.basic_read.tests[0].expect_records.bypass_reason = 'x'), 'bypass_reason'],
  ])('rejects %s, naming it', (_, mutate, named) => {
    const config = ours();
    mutate(config);
    expect(() => parseCatConfig(config)).toThrow(named);
  });

  it('ignores unknown keys beside `tests`, as CAT\'s generic suite model does', () => {
    const config = ours();
    config.acceptance_tests.spec.note = 'kept by CAT, ignored';
    expect(() => parseCatConfig(config)).not.toThrow();
  });

  it('high strictness: no custom catalog on basic_read, every stream expected or declared empty with a reason, a future state', () => {
    const config = parseCatConfig({
      connector_image: 'x',
      test_strictness_level: 'high',
      acceptance_tests: {
        basic_read: { tests: [{ configured_catalog_path: 'c.json', expect_records: { path: 'e.jsonl' }, empty_streams: [{ name: 'b' }] }] },
        incremental: { tests: [{}] },
      },
    });
    expect(highStrictnessProblems(config, STREAMS, new Set())).toEqual([
      'basic_read.tests[0]: configured_catalog_path is not allowed at high strictness',
      'basic_read.tests[0].empty_streams.b: needs a bypass_reason',
      'basic_read.tests[0]: stream a has no expected records and no empty_streams entry',
      'incremental.tests[0]: a future_state (or its bypass_reason) is required at high strictness',
    ]);
    expect(highStrictnessProblems({ ...config, test_strictness_level: 'low' }, STREAMS, new Set())).toEqual([]);
  });
});
