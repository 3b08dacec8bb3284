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
    ['"latest" written out, which CAT\'s version regex rejects', (c: any) => (c.acceptance_tests.spec.tests[0].backward_compatibility_tests_config = { previous_connector_version: 'latest' }), 'previous_connector_version'],
    ['a file_types bypass_reason without skip_test', (c: any) => (c.acceptance_tests.basic_read.tests[0].file_types = { bypass_reason: 'x' }), 'file_types'],
    ['a deployment mode CAT does not know', (c: any) => (c.acceptance_tests.basic_read.tests[0].deployment_mode = 'cloudy'), 'deployment_mode'],
  ])('rejects %s, naming it', (_, mutate, named) => {
    const config = ours();
    mutate(config);
    expect(() => parseCatConfig(config)).toThrow(named);
  });

  it('accepts what pydantic 1 accepts and fills in CAT\'s defaults', () => {
    const config = ours();
    config.acceptance_tests.basic_read.tests[0].timeout_seconds = '600';
    config.acceptance_tests.spec.tests[0].backward_compatibility_tests_config = { previous_connector_version: '1.2.3-rc1' };
    const parsed = parseCatConfig(config);
    const read = parsed.acceptance_tests.basic_read!.tests![0]!;
    expect([read.timeout_seconds, read.validate_schema, read.fail_on_extra_columns, read.validate_state_messages, read.expect_records?.exact_order]).toEqual([600, true, true, true, false]);
    expect(parsed.acceptance_tests.connection!.tests!.map((t) => t.status)).toEqual(['succeed', 'failed']);
    expect(parseCatConfig({ connector_image: 'x', acceptance_tests: { spec: { tests: [{}] } } }).acceptance_tests.spec!.tests![0]).toMatchObject({ config_path: 'secrets/config.json', spec_path: 'secrets/spec.json' });
  });

  it('ignores unknown keys beside `tests`, as CAT\'s generic suite model does', () => {
    const config = ours();
    config.acceptance_tests.spec.note = 'kept by CAT, ignored';
    expect(() => parseCatConfig(config)).not.toThrow();
  });

  it('high strictness: no custom catalog on basic_read, every stream expected or declared empty with a reason, ignored fields with reasons, a future state', () => {
    const config = parseCatConfig({
      connector_image: 'x',
      test_strictness_level: 'high',
      acceptance_tests: {
        basic_read: { tests: [{ configured_catalog_path: 'c.json', expect_records: { path: 'e.jsonl' }, empty_streams: [{ name: 'b' }] }] },
        full_refresh: { tests: [{ ignored_fields: { a: [{ name: 'x' }] } }] },
        incremental: { tests: [{}] },
      },
    });
    expect(highStrictnessProblems(config, STREAMS, new Set())).toEqual([
      'basic_read.tests[0]: configured_catalog_path is not allowed at high strictness',
      'basic_read.tests[0].empty_streams.b: needs a bypass_reason',
      'basic_read.tests[0]: stream a has no expected records and no empty_streams entry',
      'full_refresh.tests[0].ignored_fields.a.x: needs a bypass_reason',
      'incremental.tests[0]: a future_state (or its bypass_reason) is required at high strictness',
    ]);
    expect(highStrictnessProblems({ ...config, test_strictness_level: 'low' }, STREAMS, new Set())).toEqual([]);
  });
});
