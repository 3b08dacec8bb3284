import fc from 'fast-check';
import { PERSONAL_FIELDS } from '../../connector/config.js';
import { STREAM_NAMES } from '../../connector/streams/stream-registry.js';
import { configuredCatalog } from '../support/catalog-fixtures.js';
import { StateBuilder } from '../support/state-builder.js';

/**
 * Generators of inputs that are wrong in one known way, each tagged with the field the error
 * must name. Every case is invalid by construction (never "probably invalid"), so a case the
 * connector accepts is a bug, not noise.
 */
export interface BadCase {
  kind: 'config' | 'catalog' | 'state';
  /** What was broken, e.g. `config.batch_size`; the error message must contain it. */
  field: string;
  value: unknown;
  /** How it was broken, for the failure report. */
  how: string;
}

const json = fc.jsonValue({ maxDepth: 2 });
const notString = json.filter((v) => typeof v !== 'string');
const notNumber = json.filter((v) => typeof v !== 'number');
const notArray = json.filter((v) => !Array.isArray(v));
const notObject = json.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v));
/** A string of 129 to 300,000 characters: past every length limit, and big enough to hurt an echo. */
const hugeString = fc.integer({ min: 129, max: 300_000 }).map((n) => 'a'.repeat(n));
/** Strings with a character outside [A-Za-z0-9_.-]. */
const badIdString = fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(' ', '/', '!', '#', '\u00e9', '\n', '"', '\u0000'), fc.string({ maxLength: 10 })).map((p) => p.join(''));
const notInteger = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v));

type Mutation = [field: string, value: fc.Arbitrary<unknown>];

const CONFIG_MUTATIONS: Mutation[] = [
  ['credentials', notObject],
  ...['client_id', 'client_secret', 'app_identifier', 'organisation_id'].map((f): Mutation => [`credentials.${f}`, fc.oneof(notString, fc.constant(''), fc.constant(undefined))]),
  ['base_url', fc.oneof(notString, fc.constantFrom('', 'finpro', 'http://finpro.example.com', 'http://10.0.0.1:8080', 'ftp://127.0.0.1', 'http://127.0.0.1.nip.io', 'https://'), fc.constant(undefined))],
  ['consent_ids', fc.oneof(notArray.filter((v) => v !== null), fc.array(fc.oneof(badIdString, hugeString, fc.constant(''), notString), { minLength: 1, maxLength: 3 }), fc.constant([]))],
  ['consent_ids_file', fc.oneof(notString.filter((v) => v !== null), fc.constant(''))],
  ['fi_data_range_from', fc.oneof(notString, fc.string().map((s) => `${s}!`), fc.constantFrom('2025-13-01', '2025-02-30', '01/01/2025', '2025-01-01T25:00:00Z'))],
  ['fi_data_range_to', fc.oneof(notString, fc.constantFrom('yesterday', '2025-1-1', '2025-01-01T00:00:00'))],
  ['config_id', fc.oneof(notString, fc.constant(''))],
  ['batch_size', fc.oneof(notNumber, fc.integer({ max: 0 }), fc.integer({ min: 10_001 }), notInteger)],
  ['page_size', fc.oneof(notNumber, fc.integer({ max: 0 }), fc.integer({ min: 1001, max: 1_000_000 }))],
  ['max_retries', fc.oneof(notNumber, fc.integer({ max: -1 }), fc.integer({ min: 11 }))],
  ['max_concurrency', fc.oneof(notNumber, fc.integer({ max: 0 }), fc.integer({ min: 65 }))],
  ['request_timeout_seconds', fc.oneof(notNumber, fc.double({ max: 0.99, noNaN: true }), fc.integer({ min: 601 }))],
  ['reference_id_prefix', fc.oneof(notString, badIdString, hugeString, fc.constant(''))],
  ['submission_mode', fc.oneof(notString, fc.string().filter((s) => s !== 'json' && s !== 'file'))],
  ['polling', notObject.filter((v) => v !== null)],
  ['polling.initial_interval_seconds', fc.oneof(notNumber, fc.double({ max: 0.0099, noNaN: true }), fc.integer({ min: 601 }))],
  ['polling.max_wait_minutes', fc.oneof(notNumber, fc.integer({ max: 0 }))],
  ['overrides', fc.oneof(notArray, fc.constant([{ consent_id: 'bad id' }]), fc.constant([{}]))],
  // hash without a key is named on personal_data.hash_key, which contains this field's name.
  ['personal_data', fc.oneof(notObject.filter((v) => v !== null), fc.constant({ mode: 'hash' }), fc.constant({ mode: 'hash', fields: ['pan'] }))],
  ['personal_data.mode', fc.oneof(notString, fc.string().filter((s) => !['keep', 'hash', 'drop'].includes(s)))],
  ['personal_data.hash_key', fc.oneof(notString, fc.string({ maxLength: 31 }), fc.constantFrom('zz'.repeat(16), 'abc'.repeat(11)))],
  ['personal_data.fields', fc.oneof(notArray.filter((v) => v !== null), fc.array(fc.string().filter((s) => !(PERSONAL_FIELDS as readonly string[]).includes(s)), { minLength: 1, maxLength: 2 }))],
  ['data_life_days', fc.oneof(notNumber, fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 36_501 }))],
];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
}

/** A valid config (from `base()`) with exactly one field broken. */
export function badConfig(base: () => Record<string, unknown>): fc.Arbitrary<BadCase> {
  return fc.oneof(
    ...CONFIG_MUTATIONS.map(([field, arb]) =>
      arb.map((value): BadCase => {
        const config = base();
        setPath(config, field, value);
        // consent_ids emptied/removed with no file left is reported on consent_ids.
        return { kind: 'config', field: `config.${field}`, value: config, how: `${field} = ${preview(value)}` };
      }),
    ),
    notObject.map((value): BadCase => ({ kind: 'config', field: 'config', value, how: `config = ${preview(value)}` })),
  );
}

const streamNameArb = fc.oneof(fc.string(), hugeString).filter((s) => !(STREAM_NAMES as readonly string[]).includes(s));

type CatalogMutation = [field: string, mutate: fc.Arbitrary<(catalog: Record<string, any>) => void>];

const CATALOG_MUTATIONS: CatalogMutation[] = [
  ['catalog.streams', fc.oneof(notArray, fc.constant([])).map((v) => (c) => void (c['streams'] = v))],
  ['catalog.streams.0', notObject.map((v) => (c) => void (c['streams'][0] = v))],
  ['catalog.streams.0.stream', fc.oneof(notObject, fc.constant(undefined)).map((v) => (c) => void (c['streams'][0].stream = v))],
  ['catalog.streams.0.stream.name', fc.oneof(notString, streamNameArb).map((v) => (c) => void (c['streams'][0].stream.name = v))],
  ['catalog.streams.0.stream.json_schema', notObject.map((v) => (c) => void (c['streams'][0].stream.json_schema = v))],
  ['catalog.streams.0.stream.supported_sync_modes', fc.oneof(fc.constant([]), fc.array(fc.string().filter((s) => s !== 'full_refresh' && s !== 'incremental'), { minLength: 1, maxLength: 2 }), notArray).map((v) => (c) => void (c['streams'][0].stream.supported_sync_modes = v))],
  ['catalog.streams.0.sync_mode', fc.oneof(notString, fc.string().filter((s) => s !== 'full_refresh' && s !== 'incremental'), fc.constant(undefined)).map((v) => (c) => void (c['streams'][0].sync_mode = v))],
  ['catalog.streams.0.destination_sync_mode', fc.oneof(notString, fc.constantFrom('upsert', 'merge', ''), fc.constant(undefined)).map((v) => (c) => void (c['streams'][0].destination_sync_mode = v))],
  ['catalog.streams.0.cursor_field', fc.oneof(notArray.filter((v) => v !== null), fc.array(fc.string(), { minLength: 1, maxLength: 2 }).filter((p) => p.join('.') !== 'updated_at')).map((v) => (c) => void (c['streams'][0].cursor_field = v))],
  ['catalog.streams.0.primary_key', notArray.filter((v) => v !== null).map((v) => (c) => void (c['streams'][0].primary_key = v))],
  ['catalog.streams.0.generation_id', fc.oneof(notInteger, fc.string()).map((v) => (c) => void (c['streams'][0].generation_id = v))],
  ['catalog.streams.1.stream.name', fc.constant((c) => void c['streams'].push(structuredClone(c['streams'][0])))],
];

/** The valid catalog of every stream, incremental, with exactly one thing broken (stream 0 is bulk_batches). */
export function badCatalog(): fc.Arbitrary<BadCase> {
  return fc.oneof(
    ...CATALOG_MUTATIONS.map(([field, arb]) =>
      arb.map((mutate): BadCase => {
        const catalog = configuredCatalog({ syncMode: 'incremental' }) as unknown as Record<string, any>;
        if (field === 'catalog.streams.1.stream.name') catalog['streams'] = catalog['streams'].slice(0, 1);
        mutate(catalog);
        return { kind: 'catalog', field, value: catalog, how: `${field} broken: ${preview(catalog).slice(0, 120)}` };
      }),
    ),
    notObject.map((value): BadCase => ({ kind: 'catalog', field: 'catalog', value, how: `catalog = ${preview(value)}` })),
  );
}

const goodState = () => new StateBuilder().withStreamState('bulk_batches', { cursor: '2026-01-01T00:00:00Z' }).withStreamState('fi_data', {}).build() as unknown as Array<Record<string, any>>;

const STATE_MUTATIONS: Array<[field: string, arb: fc.Arbitrary<(state: Array<Record<string, any>>) => unknown>]> = [
  ['state.0', notObject.map((v) => (s) => ((s[0] = v as never), s))],
  ['state.0.type', fc.oneof(fc.constantFrom('LEGACY', 'GLOBAL'), fc.string().filter((t) => !['STREAM', 'GLOBAL', 'LEGACY'].includes(t)), notString.filter((v) => v !== null)).map((v) => (s) => ((s[0]!.type = v), s))],
  ['state.0.type', fc.constant((s: Array<Record<string, any>>) => [{ data: { cursor: 'x' } }, ...s.slice(1)])],
  ['state.0.stream', fc.oneof(notObject, fc.constant(undefined)).map((v) => (s) => ((s[0]!.stream = v), s))],
  ['state.0.stream.stream_descriptor', fc.oneof(notObject, fc.constant(undefined)).map((v) => (s) => ((s[0]!.stream.stream_descriptor = v), s))],
  ['state.0.stream.stream_descriptor.name', notString.map((v) => (s) => ((s[0]!.stream.stream_descriptor.name = v), s))],
  ['state.0.stream.stream_state', notObject.filter((v) => v !== null).map((v) => (s) => ((s[0]!.stream.stream_state = v), s))],
  ['state.0.sourceStats', fc.oneof(notObject.filter((v) => v !== null), fc.record({ recordCount: notNumber.filter((v) => v !== null) })).map((v) => (s) => ((s[0]!.sourceStats = v), s))],
  ['state.1', fc.constant((s: Array<Record<string, any>>) => [s[0], structuredClone(s[0])])],
];

/** A valid per-stream state list with exactly one thing broken, or a top level that is not a list. */
export function badState(): fc.Arbitrary<BadCase> {
  return fc.oneof(
    ...STATE_MUTATIONS.map(([field, arb]) => arb.map((mutate): BadCase => {
      const value = mutate(goodState());
      return { kind: 'state', field, value, how: `${field} broken: ${preview(value).slice(0, 120)}` };
    })),
    // A non-list top level; null and {} mean "no state" and are fine, so they are left out.
    json
      .filter((v) => !Array.isArray(v) && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0))
      .map((value): BadCase => ({ kind: 'state', field: 'state', value, how: `state = ${preview(value)}` })),
  );
}

/** Truncated JSON text of a valid input: every strict prefix of an object or array is invalid. */
export function truncated(text: string): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: text.length - 1 }).map((n) => text.slice(0, n));
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}... (${text.length} chars)` : text;
}
