import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../connector/config-loader.js';
import { parseState } from '../../connector/read-input.js';
import { StateManager } from '../../connector/state/state-manager.js';
import { STREAM_NAMES, type StreamName } from '../../connector/streams/stream-registry.js';
import { loadStreamSchema } from '../../connector/streams/schema-loader.js';
import {
  configuredCatalog,
  recordSchemaErrors,
  REPO_ROOT,
  runCheck,
  runRead,
  useSandbox,
  type EntrypointOutput,
} from '../support/index.js';

/**
 * Replays what Airbyte's connector acceptance tests check with the Airbyte-format fixtures in
 * integration_tests/ (acceptance-test-config.yml and the files it names), against a sandbox
 * with the seed the fixtures were made from. CAT itself needs Docker; this keeps the fixtures
 * honest in `npm test`.
 *
 * When streams or schemas change on purpose, regenerate the fixtures with
 * `npm run build && UPDATE_FIXTURES=1 npx vitest run integration_tests/acceptance`
 * (configured_catalog.json, expected_records.jsonl, sample_state.json), then review the diff.
 */
const UPDATE = process.env['UPDATE_FIXTURES'] === '1';
/** The streams whose records do not move with the sync time (see acceptance-test-config.yml). */
const EXPECTED_STREAMS = ['bulk_batch_rows', 'fi_data', 'fi_accounts'];
const dir = join(REPO_ROOT, 'integration_tests');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const cat = parseYaml(readFileSync(join(dir, 'acceptance-test-config.yml'), 'utf8')) as {
  acceptance_tests: Record<string, { tests: Array<Record<string, any>> }>;
};
const suites = cat.acceptance_tests;
const basicRead = suites['basic_read']!.tests[0]!;
const ignored = basicRead['ignored_fields'] as Record<string, Array<{ name: string; bypass_reason: string }>>;

/** A record without its ignored fields, as canonical JSON (sorted keys) for set comparison. */
function canonical(stream: string, data: Record<string, unknown>): string {
  const drop = new Set((ignored[stream] ?? []).map((f) => f.name));
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sort((value as Record<string, unknown>)[k])]))
        : value;
  return JSON.stringify(sort(Object.fromEntries(Object.entries(data).filter(([k]) => !drop.has(k)))));
}

function recordSets(output: EntrypointOutput): Map<string, Set<string>> {
  const sets = new Map<string, Set<string>>();
  for (const [stream, records] of output.recordsByStream) sets.set(stream, new Set(records.map((r) => canonical(stream, r))));
  return sets;
}

/** CAT's checks on any read: schemas, no extra columns, per-stream statuses, STREAM states with exact record counts. */
function expectWellFormedRead(output: EntrypointOutput): void {
  expect(output.exitCode, output.stderr.slice(-2000)).toBe(0);
  expect(output.errors).toEqual([]);
  expect(recordSchemaErrors(output)).toEqual([]);
  for (const [stream, records] of output.recordsByStream) {
    const declared = new Set(Object.keys(loadStreamSchema(stream)['properties'] as object));
    const extra = new Set(records.flatMap((r) => Object.keys(r).filter((k) => !declared.has(k))));
    expect([...extra], `${stream}: columns not in the schema`).toEqual([]);
  }
  for (const stream of STREAM_NAMES) {
    const statuses = output.streamStatuses.filter((s) => s.stream === stream).map((s) => s.status);
    expect(statuses[0], stream).toBe('STARTED');
    expect(statuses.at(-1), stream).toBe('COMPLETE');
    if (output.recordsByStream.has(stream)) expect(statuses, stream).toContain('RUNNING');
  }
  const sinceLast = new Map<string, number>();
  for (const message of output.messages) {
    if (message.type === 'RECORD') sinceLast.set(message.record.stream, (sinceLast.get(message.record.stream) ?? 0) + 1);
    if (message.type === 'STATE') {
      expect(message.state.type).toBe('STREAM');
      const stream = message.state.stream!.stream_descriptor.name;
      expect(message.state.sourceStats?.recordCount, `recordCount of a ${stream} state`).toBe(sinceLast.get(stream) ?? 0);
      sinceLast.set(stream, 0);
    }
  }
}

describe('Airbyte acceptance fixtures', () => {
  it('configure all six suites, naming files that exist', () => {
    expect(Object.keys(suites).sort()).toEqual(['basic_read', 'connection', 'discovery', 'full_refresh', 'incremental', 'spec']);
    const paths = Object.values(suites).flatMap((suite) =>
      suite.tests.flatMap((t) => [t['spec_path'], t['config_path'], t['configured_catalog_path'], t['expect_records']?.path, t['future_state']?.future_state_path]),
    );
    for (const path of paths.filter((p): p is string => typeof p === 'string')) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
    for (const fields of Object.values(ignored)) for (const field of fields) expect(field.bypass_reason.length).toBeGreaterThan(0);
  });

  it('configured_catalog.json is what discover offers, every stream incremental', () => {
    const current = configuredCatalog({ syncMode: 'incremental', destinationSyncMode: 'append_dedup' });
    if (UPDATE) writeFileSync(join(dir, 'configured_catalog.json'), `${JSON.stringify(current, null, 2)}\n`);
    expect(readJson('configured_catalog.json')).toEqual(configuredCatalog({ syncMode: 'incremental', destinationSyncMode: 'append_dedup' }));
  });

  it('sample and invalid configs are well-formed; states parse with the state model', () => {
    expect(parseConfig(readJson('sample_config.json')).base_url).toBe('http://127.0.0.1:18080');
    expect(parseConfig(readJson('invalid_config.json')).credentials.client_secret).not.toBe(readJson<{ credentials: { client_secret: string } }>('sample_config.json').credentials.client_secret);
    for (const file of ['sample_state.json', 'abnormal_state.json']) {
      const blobs = parseState(readJson(file), []);
      expect([...blobs.keys()].sort(), file).toEqual([...STREAM_NAMES].sort());
      for (const [stream, blob] of blobs) expect(StateManager.parse(stream as StreamName, blob)?.v, `${file} ${stream}`).toBe(1);
    }
  });

  describe('against the sandbox they were made from', () => {
    const sandbox = useSandbox({ seed: 42, consents: 1000, speed: 20 });
    const config = (name: string) => ({ ...readJson<Record<string, unknown>>(name), base_url: sandbox().url });
    const catalog = () => readJson<Record<string, unknown>>('configured_catalog.json');

    it('connection: sample_config succeeds, invalid_config fails', async () => {
      expect((await runCheck(config('sample_config.json'))).connectionStatus[0]!.status).toBe('SUCCEEDED');
      expect((await runCheck(config('invalid_config.json'))).connectionStatus[0]!.status).toBe('FAILED');
    });

    it('basic_read and full_refresh: expected records present, two reads agree', async () => {
      const first = await runRead({ config: config('sample_config.json'), catalog: catalog() }, { timeoutMs: 120_000 });
      expectWellFormedRead(first);
      const actual = recordSets(first);
      if (UPDATE) writeFixturesFrom(first);
      const expected = readFileSync(join(dir, 'expected_records.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { stream: string; data: Record<string, unknown> });
      expect(expected.length).toBeGreaterThan(0);
      const missing = expected.filter((r) => !actual.get(r.stream)?.has(canonical(r.stream, r.data)));
      expect(missing.map((r) => `${r.stream}: ${canonical(r.stream, r.data).slice(0, 200)}`)).toEqual([]);

      const second = await runRead({ config: config('sample_config.json'), catalog: catalog() }, { timeoutMs: 120_000 });
      expectWellFormedRead(second);
      const again = recordSets(second);
      for (const [stream, records] of actual) expect([...records].filter((r) => !again.get(stream)?.has(r)), `${stream} differs between reads`).toEqual([]);
    });

    it('incremental: from abnormal_state.json (the future) no records, and a STATE', async () => {
      const output = await runRead({ config: config('sample_config.json'), catalog: catalog(), state: readJson('abnormal_state.json') }, { timeoutMs: 120_000 });
      expectWellFormedRead(output);
      expect(output.records).toEqual([]);
      expect(output.states.length).toBeGreaterThan(0);
    });
  });
});

function writeFixturesFrom(output: EntrypointOutput): void {
  const lines = output.records
    .filter((r) => EXPECTED_STREAMS.includes(r.stream))
    .map((r) => JSON.stringify({ stream: r.stream, data: r.data, emitted_at: 1700000000000 }));
  writeFileSync(join(dir, 'expected_records.jsonl'), `${lines.join('\n')}\n`);
  const latest = new Map<string, unknown>();
  for (const state of output.states) latest.set(state.stream!.stream_descriptor.name, { type: 'STREAM', stream: state.stream });
  writeFileSync(join(dir, 'sample_state.json'), `${JSON.stringify(STREAM_NAMES.map((s) => latest.get(s)), null, 2)}\n`);
}
