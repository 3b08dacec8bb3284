import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BULK_MIN_CONSENTS } from '../../connector/bulk/batch-planner.js';
import { parseConfig } from '../../connector/config-reader.js';
import type { ConfiguredAirbyteCatalog } from '../../connector/protocol/airbyte-message.js';
import { parseState } from '../../connector/read-input.js';
import { StateManager } from '../../connector/state/state-manager.js';
import { STREAM_NAMES, type StreamName } from '../../connector/streams/stream-registry.js';
import { loadStreamSchema } from '../../connector/streams/schema-reader.js';
import { CAT_CONFIGS } from '../../sandbox/scripts/cat-secrets.js';
import {
  configuredCatalog,
  recordSchemaErrors,
  REPO_ROOT,
  runCheck,
  runDiscover,
  runRead,
  runSpec,
  useSandbox,
  type EntrypointOutput,
} from '../support/index.js';
import {
  basicReadCatalog,
  basicReadRecordProblems,
  expectedRecordProblems,
  futureStateCursorProblems,
  olderThanStateProblems,
  onlyMode,
  primaryKeyOf,
  recordsAfter,
  sequentialIncrementalProblems,
  sequentialReadProblems,
  specRuleProblems,
  stateInputUpTo,
  stateMessageProblems,
  statesToResume,
  streamStatusProblems,
} from './cat-checks.js';
import { CAT_SUITES, highStrictnessProblems, parseCatConfig } from './cat-config-model.js';

/**
 * Replays Airbyte's connector acceptance tests (CAT 3.x) on acceptance-test-config.yml and
 * the files it names, the way CAT runs them, with the built CLI instead of the image and a
 * sandbox of the fixtures' seed instead of one reached from a container. CAT reads
 * secrets/config.json, made from integration_tests/sample_config.json by `npm run cat:secrets`
 * with only the base URL changed; here the base URL is this sandbox's.
 *
 * Regenerate the fixtures after an intended stream, schema or sandbox data change with
 * `npm run cat:fixtures` (expected_records.jsonl, configured_catalog*.json, sample_state.json,
 * abnormal_state.json),
 * then review the diff.
 */
const UPDATE = process.env['UPDATE_FIXTURES'] === '1';
/** Transactions kept per account in expected_records.jsonl: CAT matches keys, a few show the shape. */
const TRANSACTIONS_PER_ACCOUNT = 2;
const dir = join(REPO_ROOT, 'integration_tests');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const readRoot = <T>(path: string): T => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;

const cat = parseCatConfig(parseYaml(readFileSync(join(REPO_ROOT, 'acceptance-test-config.yml'), 'utf8')));
const suites = cat.acceptance_tests;
const basicRead = suites.basic_read!.tests![0]!;
const fullRefresh = suites.full_refresh!.tests![0]!;
const incremental = suites.incremental!.tests![0]!;
const emptyStreams = (basicRead.empty_streams ?? []).map((s) => s.name);
const ignoredFields = Object.fromEntries(Object.entries(fullRefresh.ignored_fields ?? {}).map(([stream, fields]) => [stream, fields.map((f) => f.name)]));

/** A CAT config path read as CAT would get it: secrets/* come from the integration_tests samples. */
function configAt(path: string | undefined, baseUrl: string): Record<string, unknown> {
  const source = CAT_CONFIGS.find((c) => c.to === (path ?? 'secrets/config.json'))?.from ?? path!;
  return { ...readRoot<Record<string, unknown>>(source), base_url: baseUrl };
}

function readExpected(): Array<{ stream: string; data: Record<string, unknown> }> {
  return readFileSync(join(REPO_ROOT, basicRead.expect_records!.path!), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { stream: string; data: Record<string, unknown> });
}

/** What every read must be beyond CAT: exit 0, no errors, schemas, no extra columns, exact per-state record counts. */
function expectCleanRead(output: EntrypointOutput): void {
  expect(output.exitCode, output.stderr.slice(-2000)).toBe(0);
  expect(output.errors).toEqual([]);
  expect(recordSchemaErrors(output)).toEqual([]);
  for (const [stream, records] of output.recordsByStream) {
    const declared = new Set(Object.keys(loadStreamSchema(stream)['properties'] as object));
    const extra = new Set(records.flatMap((r) => Object.keys(r).filter((k) => !declared.has(k))));
    expect([...extra], `${stream}: columns not in the schema (fail_on_extra_columns)`).toEqual([]);
  }
  const sinceLast = new Map<string, number>();
  for (const message of output.messages) {
    if (message.type === 'RECORD') sinceLast.set(message.record.stream, (sinceLast.get(message.record.stream) ?? 0) + 1);
    if (message.type === 'STATE') {
      const stream = message.state.stream!.stream_descriptor.name;
      expect(message.state.sourceStats?.recordCount, `recordCount of a ${stream} state`).toBe(sinceLast.get(stream) ?? 0);
      sinceLast.set(stream, 0);
    }
  }
}

describe('acceptance-test-config.yml, loaded as CAT loads it', () => {
  it('fits CAT 3.x config models and its high-strictness rules, configuring every suite', () => {
    expect(cat.test_strictness_level).toBe('high');
    expect(Object.keys(suites).sort()).toEqual([...CAT_SUITES].sort());
    const expected = new Set(readExpected().map((r) => r.stream));
    expect(highStrictnessProblems(cat, STREAM_NAMES, expected)).toEqual([]);
  });

  it('names files that exist, or secrets/ configs that `npm run cat:secrets` writes', () => {
    const paths = Object.values(suites).flatMap((suite) =>
      (suite?.tests ?? []).flatMap((t: Record<string, unknown>) => [
        t['spec_path'],
        t['config_path'],
        t['configured_catalog_path'],
        (t['expect_records'] as { path?: string } | undefined)?.path,
        (t['future_state'] as { future_state_path?: string } | undefined)?.future_state_path,
      ]),
    );
    for (const path of paths.filter((p): p is string => typeof p === 'string')) {
      if (path.startsWith('secrets/')) expect(CAT_CONFIGS.map((c) => c.to), path).toContain(path);
      else expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
    }
  });

  it('configured_catalog.json is what discover offers, every stream incremental; the full-refresh one declares no primary key', () => {
    const incrementalCatalog = configuredCatalog({ syncMode: 'incremental', destinationSyncMode: 'append_dedup' });
    const fullRefreshCatalog = withoutPrimaryKeys(configuredCatalog({ syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }));
    if (UPDATE) {
      writeFileSync(join(REPO_ROOT, incremental.configured_catalog_path!), `${JSON.stringify(incrementalCatalog, null, 2)}\n`);
      writeFileSync(join(REPO_ROOT, fullRefresh.configured_catalog_path!), `${JSON.stringify(fullRefreshCatalog, null, 2)}\n`);
    }
    expect(readRoot(incremental.configured_catalog_path!)).toEqual(incrementalCatalog);
    expect(readRoot(fullRefresh.configured_catalog_path!)).toEqual(fullRefreshCatalog);
  });

  it('sample and invalid configs are valid configs that differ in the secret; states parse with the state model', () => {
    const sample = parseConfig(readJson('sample_config.json'));
    expect(sample.base_url).toBe('http://127.0.0.1:18080');
    expect(sample.fi_data_range_from, 'a fixed range start keeps primary keys stable').toBeDefined();
    expect(new Set(sample.consent_ids).size, 'enough consents for Bulk Data Fetch, whose ids the sandbox derives').toBeGreaterThanOrEqual(BULK_MIN_CONSENTS);
    expect(parseConfig(readJson('invalid_config.json')).credentials.client_secret).not.toBe(sample.credentials.client_secret);
    for (const file of ['sample_state.json', 'abnormal_state.json']) {
      const blobs = parseState(readJson(file), []);
      expect([...blobs.keys()].sort(), file).toEqual([...STREAM_NAMES].sort());
      for (const [stream, blob] of blobs) expect(StateManager.parse(stream as StreamName, blob)?.v, `${file} ${stream}`).toBe(1);
    }
  });
});

describe('spec (TestSpec)', () => {
  it('matches spec/spec.json, follows the spec rules, and the config matches it', async () => {
    const output = await runSpec();
    const spec = output.spec!;
    expect(spec).toEqual(readRoot(suites.spec!.tests![0]!.spec_path!));
    expect(specRuleProblems(spec.connectionSpecification)).toEqual([]);
    const validate = new Ajv({ strict: false }).compile(spec.connectionSpecification);
    const config = configAt(suites.spec!.tests![0]!.config_path, 'http://host.docker.internal:18080');
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('against a fresh sandbox of the fixtures\' seed', () => {
  // basic_read is CAT's first read of a CAT run: it must find the expected keys in a sandbox
  // that has seen no request yet, so it gets a sandbox of its own.
  const sandbox = useSandbox({ seed: 42, consents: 1000, speed: 20 });

  it('connection, discovery, basic_read: expected records found by primary key with the discovered catalog', async () => {
    for (const test of suites.connection!.tests!) {
      const status = (await runCheck(configAt(test.config_path, sandbox().url))).connectionStatus[0]?.status;
      expect(status, test.config_path).toBe(test.status === 'failed' ? 'FAILED' : 'SUCCEEDED');
    }
    const discover = await runDiscover(configAt(suites.discovery!.tests![0]!.config_path, sandbox().url));
    expect(discover.exitCode).toBe(0);
    for (const stream of discover.catalog!.streams) {
      for (const path of stream.source_defined_primary_key ?? []) {
        const type = (loadStreamSchema(stream.name)['properties'] as Record<string, { type?: unknown }>)[path[0]!]?.type;
        expect(type, `${stream.name}.${path.join('.')}`).toBeDefined();
        expect([type].flat(), `${stream.name}.${path.join('.')} type`).not.toEqual(expect.arrayContaining(['object']));
      }
    }

    const catalog = basicReadCatalog(discover.catalog!, emptyStreams);
    expect(catalog.streams.map((s) => s.sync_mode)).toEqual(catalog.streams.map(() => 'full_refresh'));
    const output = await runRead({ config: configAt(basicRead.config_path, sandbox().url), catalog }, { timeoutMs: 240_000 });
    expectCleanRead(output);
    if (UPDATE) writeFixturesFrom(output, catalog);
    expect(basicReadRecordProblems(output.records, catalog, emptyStreams)).toEqual([]);
    expect(streamStatusProblems(output.streamStatuses, catalog)).toEqual([]);
    expect(stateMessageProblems(output.states, catalog)).toEqual([]);
    const expected = readExpected();
    expect(new Set(expected.map((r) => r.stream))).toEqual(new Set(STREAM_NAMES.filter((s) => !emptyStreams.includes(s))));
    expect(expectedRecordProblems(output.records, expected, catalog, basicRead.expect_records!.exact_order)).toEqual([]);

    // test_airbyte_trace_message_on_failure: a catalog CAT builds without validation.
    const broken = { streams: [{ stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] }, sync_mode: 'INVALID', destination_sync_mode: 'INVALID' }] };
    const failure = await runRead({ config: configAt(basicRead.config_path, sandbox().url), catalog: broken });
    expect(failure.errors.length).toBeGreaterThanOrEqual(1);
  });
});

describe('full_refresh and incremental against one sandbox', () => {
  const sandbox = useSandbox({ seed: 42, consents: 1000, speed: 20 });
  const config = (path: string | undefined) => configAt(path, sandbox().url);
  const incrementalCatalog = () => onlyMode(readRoot<ConfiguredAirbyteCatalog>(incremental.configured_catalog_path!), 'incremental');
  // The first incremental read (same config and catalog, no state), read once: the
  // sequential-reads check and the resume check both start from it. CAT reads it in each test.
  let firstIncremental: Promise<EntrypointOutput> | undefined;
  const firstIncrementalRead = () =>
    (firstIncremental ??= runRead({ config: config(incremental.config_path), catalog: incrementalCatalog() }, { timeoutMs: 240_000 }));

  it('full_refresh: two reads, emitted_at later in the second, the first read a subset of the second', async () => {
    const catalog = onlyMode(readRoot<ConfiguredAirbyteCatalog>(fullRefresh.configured_catalog_path!), 'full_refresh');
    const first = await runRead({ config: config(fullRefresh.config_path), catalog }, { timeoutMs: 240_000 });
    expectCleanRead(first);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // CAT sleeps a second between the reads
    const second = await runRead({ config: config(fullRefresh.config_path), catalog }, { timeoutMs: 240_000 });
    expectCleanRead(second);
    expect(sequentialReadProblems(first.records, second.records, catalog, ignoredFields)).toEqual([]);
  });

  it('incremental: two sequential reads, the second from the first one\'s state, never older than it', async () => {
    const catalog = incrementalCatalog();
    const first = await firstIncrementalRead();
    expectCleanRead(first);
    // test_two_sequential_reads (CAT 3.9): states and records in the first read, and the read
    // from its final state gives other records. The rest of this test is ours, beyond CAT.
    expect(first.states.length).toBeGreaterThan(0);
    expect(first.records.length).toBeGreaterThan(0);
    const state = stateInputUpTo(first.messages);
    const second = await runRead({ config: config(incremental.config_path), catalog, state }, { timeoutMs: 240_000 });
    expectCleanRead(second);
    expect(sequentialIncrementalProblems(first.records, second.records)).toEqual([]);
    for (const record of first.records) {
      const cursor = catalog.streams.find((s) => s.stream.name === record.stream)!.cursor_field![0]!;
      const stateCursor = state.find((s) => s.stream.stream_descriptor.name === record.stream)!.stream.stream_state['cursor'];
      expect(Date.parse(String(record.data[cursor])), `${record.stream}: a first-read record newer than its final state`).toBeLessThanOrEqual(Date.parse(String(stateCursor)));
    }
    expect(olderThanStateProblems(second.records, state, catalog)).toEqual([]);
    for (const stream of new Set(second.records.map((r) => r.stream))) {
      const cursor = catalog.streams.find((s) => s.stream.name === stream)!.cursor_field!;
      const maxFirst = Math.max(...first.records.filter((r) => r.stream === stream).map((r) => Date.parse(String(r.data[cursor[0]!]))));
      const minSecond = Math.min(...second.records.filter((r) => r.stream === stream).map((r) => Date.parse(String(r.data[cursor[0]!]))));
      expect(minSecond, `${stream}: the second read's cursors start at or after the first's`).toBeGreaterThanOrEqual(maxFirst);
    }
  });

  it('incremental: each stream read alone, resumed from the checkpoints CAT 3.9 picks, gives at least what they owe', async () => {
    // test_read_sequential_slices: one read per stream with only that stream in the catalog; CAT
    // picks checkpoints by sourceStats.recordCount (statesToResume) and wants at least the
    // records the later states counted. Beyond CAT: no primary key emitted after the
    // checkpoint in the first read is missing from the resumed one.
    for (const configured of incrementalCatalog().streams) {
      const catalog = { streams: [configured] };
      const name = configured.stream.name;
      const first = await runRead({ config: config(incremental.config_path), catalog }, { timeoutMs: 240_000 });
      expectCleanRead(first);
      if (first.records.length === 0 || first.states.length === 0) continue;
      const picked = statesToResume(first.states);
      expect(picked.length, `${name}: a checkpoint CAT can resume from`).toBeGreaterThan(0);
      for (const { state, owed } of picked) {
        const input = [{ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state.stream!.stream_state } }];
        const resumed = await runRead({ config: config(incremental.config_path), catalog, state: input }, { timeoutMs: 240_000 });
        expectCleanRead(resumed);
        expect(resumed.records.length, `${name}: records resumed from a checkpoint owing ${owed}`).toBeGreaterThanOrEqual(owed);
        const index = first.messages.findIndex((m) => m.type === 'STATE' && m.state === state);
        const pk = configured.stream.source_defined_primary_key ?? [];
        const got = new Set((resumed.recordsByStream.get(name) ?? []).map((d) => primaryKeyOf(d, pk)));
        const missing = (recordsAfter(first.messages, index).get(name) ?? []).map((d) => primaryKeyOf(d, pk)).filter((k) => !got.has(k));
        expect(missing, `${name}: keys the first read emitted after checkpoint ${index} that the resumed read lost`).toEqual([]);
      }
    }
  }, 300_000); // up to six streams times (one read plus its resumes), as CAT runs them; ~30 s alone, much more in the full suite

  it('incremental: from the future state, no records, at least one STATE, cursors CAT finds and formats that match', async () => {
    const future = readRoot<Array<{ stream: { stream_descriptor: { name: string }; stream_state: unknown } }>>(incremental.future_state!.future_state_path!);
    const missing = new Set((incremental.future_state!.missing_streams ?? []).map((s) => s.name));
    const named = new Set(future.map((s) => s.stream.stream_descriptor.name));
    expect(STREAM_NAMES.filter((s) => !named.has(s) && !missing.has(s))).toEqual([]);
    const catalog = incrementalCatalog();
    const output = await runRead({ config: config(incremental.config_path), catalog, state: future }, { timeoutMs: 240_000 });
    expectCleanRead(output);
    expect(output.records).toEqual([]);
    expect(output.states.length).toBeGreaterThan(0);
    expect(futureStateCursorProblems(output.states, future, catalog)).toEqual([]);
  });
});

function withoutPrimaryKeys(catalog: ConfiguredAirbyteCatalog): ConfiguredAirbyteCatalog {
  return { streams: catalog.streams.map(({ primary_key: _, ...stream }) => stream) };
}

/** expected_records.jsonl (the last record of every primary key; a few transactions per account) and sample_state.json. */
function writeFixturesFrom(output: EntrypointOutput, catalog: ConfiguredAirbyteCatalog): void {
  const byKey = new Map<string, { stream: string; data: Record<string, unknown> }>();
  const perAccount = new Map<string, number>();
  for (const record of output.records) {
    const pk = catalog.streams.find((s) => s.stream.name === record.stream)!.stream.source_defined_primary_key ?? [];
    if (record.stream === 'fi_transactions') {
      const account = `${String(record.data['session_id'])}|${String(record.data['link_reference_number'])}`;
      const kept = perAccount.get(account) ?? 0;
      if (kept >= TRANSACTIONS_PER_ACCOUNT) continue;
      perAccount.set(account, kept + 1);
    }
    byKey.set(`${record.stream}:${primaryKeyOf(record.data, pk)}`, { stream: record.stream, data: record.data });
  }
  const lines = [...byKey.values()].map((r) => JSON.stringify({ stream: r.stream, data: r.data, emitted_at: 1700000000000 }));
  writeFileSync(join(REPO_ROOT, basicRead.expect_records!.path!), `${lines.join('\n')}\n`);
  const latest = new Map<string, unknown>();
  for (const state of output.states) latest.set(state.stream!.stream_descriptor.name, { type: 'STREAM', stream: state.stream });
  const finalStates = STREAM_NAMES.map((s) => latest.get(s));
  writeFileSync(join(dir, 'sample_state.json'), `${JSON.stringify(finalStates, null, 2)}\n`);
  // The future state is this read's own final state with every instant moved to 2999, so it
  // covers the same consents (same list signature and sketch) and differs only in time.
  const future = JSON.stringify(finalStates, null, 2).replace(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/g, '"2999-01-01T00:00:00.000Z"');
  writeFileSync(join(dir, 'abnormal_state.json'), `${future}\n`);
}
