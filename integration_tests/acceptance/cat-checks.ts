import type { AirbyteMessage, AirbyteRecordMessage, ConfiguredAirbyteCatalog, MessageOf } from '../../connector/protocol/airbyte-message.js';
import { schemaNodes, type SchemaNode } from '../support/index.js';

/**
 * The checks of Airbyte's connector acceptance tests (CAT 3.x, tests/test_core.py,
 * test_full_refresh.py, test_incremental.py), written as pure functions over what a run
 * printed, each returning its problems (empty when CAT would pass). The suite in
 * acceptance-suite.test.ts feeds them real runs of the built CLI.
 */

type Json = Record<string, unknown>;
type Catalog = ConfiguredAirbyteCatalog;

// ---------------------------------------------------------------- spec (TestSpec)

/** Property names CAT treats as secrets when they can hold a string or number. */
const SECRET_NAMES = new Set([
  'client_token', 'access_token', 'api_token', 'token', 'secret', 'client_secret', 'password', 'key',
  'service_account_info', 'service_account', 'tenant_id', 'certificate', 'jwt', 'credentials', 'app_id', 'appid', 'refresh_token',
]);
const FORBIDDEN = ['not', 'anyOf', 'patternProperties', 'prefixItems', 'allOf', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired'];

function typesOf(node: SchemaNode): string[] {
  const type = node['type'];
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

/** TestSpec's rules on the shape of `connectionSpecification`. */
export function specRuleProblems(spec: SchemaNode): string[] {
  const problems: string[] = [];
  const nodes = schemaNodes(spec);
  for (const [path, node] of nodes) {
    const name = /\/properties\/([^/]+)$/.exec(path)?.[1];
    const types = typesOf(node);
    // test_secret_is_properly_marked: a secret-named field that can hold a value is marked, and nothing else is.
    if (name !== undefined && SECRET_NAMES.has(name.toLowerCase()) && types.length > 0) {
      const canHold = types.some((t) => ['string', 'integer', 'number'].includes(t)) && !node['const'];
      if (canHold && node['airbyte_secret'] !== true) problems.push(`${path}: should be marked airbyte_secret`);
      if (!canHold && node['airbyte_secret'] === true) problems.push(`${path}: marked airbyte_secret but cannot hold a secret`);
    }
    // test_property_type_is_not_array: one type, or one type and "null" second.
    if (name !== undefined && Array.isArray(node['type'])) {
      const list = node['type'] as string[];
      if (list.length > 2 || (list.length === 2 && list[1] !== 'null')) problems.push(`${path}/type: a simple type, or a simple type then "null"`);
    }
    // test_object_not_empty
    if (path !== '#' && types.includes('object') && node['oneOf'] === undefined && Object.keys((node['properties'] as Json | undefined) ?? {}).length === 0) {
      problems.push(`${path}: an object with no properties`);
    }
    // test_array_type
    if (types.includes('array')) {
      const items = node['items'];
      if (Array.isArray(items)) problems.push(`${path}/items: not a single item type`);
      else if (items !== undefined && !['object', 'string', 'number', 'integer'].includes(String((items as Json)['type'])) && (items as Json)['enum'] === undefined) {
        problems.push(`${path}/items: object, string, number, integer or an enum`);
      }
    }
    // test_enum_usage
    const values = node['enum'];
    if (Array.isArray(values) && new Set(values.map((v) => JSON.stringify(v))).size !== values.length) problems.push(`${path}/enum: duplicate values`);
    // test_forbidden_complex_types (keywords only; a property named like one is fine)
    for (const keyword of FORBIDDEN) if (keyword in node) problems.push(`${path}/${keyword}: a forbidden keyword`);
    // test_additional_properties_is_true
    if ('additionalProperties' in node && node['additionalProperties'] !== true) problems.push(`${path}/additionalProperties: must be true when set`);
    // test_duplicate_order: no two properties of one object share an order within a group.
    const properties = node['properties'] as Record<string, SchemaNode> | undefined;
    if (types.includes('object') && properties !== undefined) {
      const seen = new Map<string, Set<unknown>>();
      for (const property of Object.values(properties)) {
        if (!('order' in property)) continue;
        const group = String(property['group'] ?? '');
        const orders = seen.get(group) ?? new Set();
        if (orders.has(property['order'])) problems.push(`${path}/properties: duplicate order ${String(property['order'])} in group "${group}"`);
        orders.add(property['order']);
        seen.set(group, orders);
      }
    }
    // test_nested_group: only top-level properties may carry a group.
    if ('group' in node && !/^#\/properties\/[^/]+$/.test(path) && path !== '#') problems.push(`${path}/group: groups only on top-level properties`);
    // test_display_type
    if ('display_type' in node && (node['oneOf'] === undefined || !['dropdown', 'radio'].includes(String(node['display_type'])))) {
      problems.push(`${path}/display_type: only on oneOf fields, dropdown or radio`);
    }
  }
  // test_defined_refs_exist_in_json_spec_file
  if (JSON.stringify(spec).includes('"$ref"')) problems.push('unresolved $ref in the spec');
  return problems;
}

// ---------------------------------------------------------------- catalogs

/** CAT's basic_read catalog: the discovered streams minus empty ones, each in its first supported sync mode. */
export function basicReadCatalog(discovered: { streams: MessageOf<'CATALOG'>['catalog']['streams'] }, emptyStreams: readonly string[]): Catalog {
  return {
    streams: discovered.streams
      .filter((stream) => !emptyStreams.includes(stream.name))
      .map((stream) => ({
        stream,
        sync_mode: stream.supported_sync_modes[0]!,
        destination_sync_mode: 'append' as const,
        ...(stream.default_cursor_field !== undefined ? { cursor_field: stream.default_cursor_field } : {}),
      })),
  };
}

/** Every stream forced to one sync mode (CAT's full_refresh_only_catalog / incremental_only_catalog). */
export function onlyMode(catalog: Catalog, mode: 'full_refresh' | 'incremental'): Catalog {
  return {
    streams: catalog.streams
      .filter((s) => s.stream.supported_sync_modes.includes(mode))
      .map((s) => ({
        ...s,
        sync_mode: mode,
        ...(mode === 'incremental' && (s.cursor_field === undefined || s.cursor_field.length === 0) ? { cursor_field: s.stream.default_cursor_field ?? [] } : {}),
      })),
  };
}

// ---------------------------------------------------------------- records

type Record_ = AirbyteRecordMessage;

const at = (data: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json)[key] : undefined), data);

/** A primary key's value as CAT hashes it (a tuple of the parts' values). */
export function primaryKeyOf(data: Json, primaryKey: readonly (readonly string[])[]): string {
  return JSON.stringify(primaryKey.map((path) => at(data, path) ?? null));
}

function byStream(records: readonly Record_[]): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  for (const r of records) out.set(r.stream, [...(out.get(r.stream) ?? []), r.data]);
  return out;
}

/** test_read's record checks: some records, every stream with records unless declared empty, primary keys set and scalar. */
export function basicReadRecordProblems(records: readonly Record_[], catalog: Catalog, emptyStreams: readonly string[]): string[] {
  const problems: string[] = [];
  if (records.length === 0) problems.push('at least one record should be read');
  const streams = byStream(records);
  for (const { stream } of catalog.streams) {
    if (!streams.has(stream.name) && !emptyStreams.includes(stream.name)) problems.push(`${stream.name}: no records and not in empty_streams`);
    const pk = stream.source_defined_primary_key ?? [];
    for (const data of streams.get(stream.name) ?? []) {
      const parts = pk.map((path) => at(data, path));
      if (pk.length > 0 && parts.every((p) => p === undefined || p === null)) problems.push(`${stream.name}: a record with a null primary key`);
      if (parts.some((p) => typeof p === 'object' && p !== null)) problems.push(`${stream.name}: a primary key part that is an object or array`);
    }
  }
  return [...new Set(problems)];
}

/**
 * compare_records (CAT 3.6 to 3.9): for a stream with a source-defined primary key, every
 * expected record's key is read (with `exact_order`, the first keys read are the expected
 * ones, in order); for a stream without one, only that it reads at least as many records.
 */
export function expectedRecordProblems(records: readonly Record_[], expected: readonly { stream: string; data: Json }[], catalog: Catalog, exactOrder = false): string[] {
  const actual = byStream(records);
  const problems: string[] = [];
  for (const [stream, wanted] of byStream(expected.map((e) => ({ stream: e.stream, data: e.data, emitted_at: 0 })))) {
    const configured = catalog.streams.filter((s) => s.stream.name === stream);
    if (configured.length !== 1) {
      problems.push(`${stream}: expected records for a stream the catalog has ${configured.length} times`);
      continue;
    }
    const read = actual.get(stream) ?? [];
    const pk = configured[0]!.stream.source_defined_primary_key ?? [];
    if (pk.length === 0) {
      if (wanted.length > read.length) problems.push(`${stream}: ${read.length} records read, fewer than the ${wanted.length} expected`);
      continue;
    }
    const wantedKeys = wanted.map((data) => primaryKeyOf(data, pk));
    const readKeys = read.map((data) => primaryKeyOf(data, pk));
    if (exactOrder) {
      if (readKeys.slice(0, wantedKeys.length).join('\n') !== wantedKeys.join('\n')) problems.push(`${stream}: the expected primary keys are not the first read, in order`);
      continue;
    }
    const seen = new Set(readKeys);
    const missing = wantedKeys.filter((key) => !seen.has(key));
    if (missing.length > 0) problems.push(`${stream}: ${missing.length} of ${wanted.length} expected primary keys not read, e.g. ${missing[0]}`);
  }
  return problems;
}

/** _validate_stream_statuses: every configured stream STARTED, RUNNING (at least one, nothing else between), COMPLETE. */
export function streamStatusProblems(statuses: readonly { stream: string; status: string }[], catalog: Catalog): string[] {
  const problems: string[] = [];
  const names = new Set(catalog.streams.map((s) => s.stream.name));
  const seen = new Map<string, string[]>();
  for (const { stream, status } of statuses) seen.set(stream, [...(seen.get(stream) ?? []), status]);
  for (const name of names) if (!seen.has(name)) problems.push(`${name}: no stream status`);
  for (const [stream, list] of seen) {
    if (!names.has(stream)) problems.push(`${stream}: a status for a stream not in the catalog`);
    if (list.length < 3 || list[0] !== 'STARTED' || list.at(-1) !== 'COMPLETE' || !list.slice(1, -1).every((s) => s === 'RUNNING')) {
      problems.push(`${stream}: statuses ${list.join(',')}, expected STARTED, RUNNING..., COMPLETE`);
    }
  }
  return problems;
}

/** _validate_state_messages: at least one state per stream, none LEGACY, each with sourceStats. */
export function stateMessageProblems(states: readonly MessageOf<'STATE'>['state'][], catalog: Catalog): string[] {
  const problems: string[] = [];
  if (states.length < catalog.streams.length) problems.push(`${states.length} states for ${catalog.streams.length} streams`);
  for (const state of states) {
    if (state.type === 'LEGACY') problems.push('a LEGACY state');
    if (state.sourceStats === undefined) problems.push(`a ${state.stream?.stream_descriptor.name ?? '?'} state without sourceStats`);
  }
  return [...new Set(problems)];
}

// ---------------------------------------------------------------- full refresh (TestFullRefresh)

/**
 * test_sequential_reads: every emitted_at of the second read is later than the first's, and
 * the first read's records are a subset of the second's: by the configured primary key where
 * the catalog declares one, otherwise by the whole record minus the stream's ignored fields.
 */
export function sequentialReadProblems(first: readonly Record_[], second: readonly Record_[], catalog: Catalog, ignored: Record<string, readonly string[]>): string[] {
  const problems: string[] = [];
  if (first.length === 0) return ['the first read produced no records'];
  if (second.length === 0) return ['the second read produced no records'];
  const maxFirst = Math.max(...first.map((r) => r.emitted_at));
  const minSecond = Math.min(...second.map((r) => r.emitted_at));
  if (!(maxFirst < minSecond)) problems.push(`emitted_at should increase on subsequent runs (${maxFirst} >= ${minSecond})`);
  const a = byStream(first);
  const b = byStream(second);
  for (const [stream, records] of a) {
    const pk = catalog.streams.find((s) => s.stream.name === stream)?.primary_key ?? [];
    const drop = new Set(ignored[stream] ?? []);
    const key = (data: Json): string => (pk.length > 0 ? primaryKeyOf(data, pk) : canonicalJson(Object.fromEntries(Object.entries(data).filter(([k]) => !drop.has(k)))));
    const later = new Set((b.get(stream) ?? []).map(key));
    const missing = records.map(key).filter((k) => !later.has(k));
    if (missing.length > 0) problems.push(`${stream}: ${missing.length} records of the first read are not in the second, e.g. ${missing[0]!.slice(0, 300)}`);
  }
  return problems;
}

export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Json)[k])]))
        : v;
  return JSON.stringify(sort(value));
}

// ---------------------------------------------------------------- incremental (TestIncremental)

export type StreamStateInput = { type: 'STREAM'; stream: { stream_descriptor: { name: string }; stream_state: Json } };

/** The latest state per stream up to and including `upTo` (CAT's construct_latest_state_from_messages). */
export function stateInputUpTo(messages: readonly AirbyteMessage[], upTo = messages.length - 1): StreamStateInput[] {
  const latest = new Map<string, Json>();
  messages.slice(0, upTo + 1).forEach((m) => {
    if (m.type === 'STATE' && m.state.type === 'STREAM' && m.state.stream !== undefined) {
      latest.set(m.state.stream.stream_descriptor.name, (m.state.stream.stream_state ?? {}) as Json);
    }
  });
  return [...latest].map(([name, stream_state]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } }));
}

/**
 * Records older than the state they were read from. CAT reads the state's value at the
 * cursor field's name (`updated_at`, `fetched_at`); this connector keeps it under `cursor`,
 * so the replica reads it there and holds the connector to the rule CAT means.
 */
export function olderThanStateProblems(records: readonly Record_[], state: readonly StreamStateInput[], catalog: Catalog): string[] {
  const problems: string[] = [];
  for (const r of records) {
    const cursorField = catalog.streams.find((s) => s.stream.name === r.stream)?.cursor_field ?? [];
    const stateCursor = state.find((s) => s.stream.stream_descriptor.name === r.stream)?.stream.stream_state['cursor'];
    const value = at(r.data, cursorField);
    if (typeof stateCursor === 'string' && typeof value === 'string' && Date.parse(value) < Date.parse(stateCursor)) {
      problems.push(`${r.stream}: a record at ${value}, older than the state's cursor ${stateCursor}`);
    }
  }
  return [...new Set(problems)];
}

/**
 * test_read_sequential_slices (CAT 3.9, _state_messages_selector) over the STATE messages of a
 * read of ONE stream: consecutive states with the same stream_state fold into the first (its
 * recordCount becomes the sum of theirs, the last one's left out as CAT leaves it), states
 * counting no record drop out, and each remaining state owes the records counted by the ones
 * after it. With fewer than three only the last is resumed from (owing 0); otherwise one in
 * `n / 5`, never the first or the last. CAT fails the test when this returns nothing.
 */
export function statesToResume(states: readonly MessageOf<'STATE'>['state'][]): Array<{ state: MessageOf<'STATE'>['state']; owed: number }> {
  const count = (s: { sourceStats?: { recordCount?: number } }): number => s.sourceStats?.recordCount ?? 0;
  const own = (s: MessageOf<'STATE'>['state']): string => canonicalJson(s.stream?.stream_state ?? s);
  if (states.length <= 1) return states.filter((s) => count(s) !== 0).map((state) => ({ state, owed: 0 }));
  const counted = states.map((state) => ({ state, count: count(state) }));
  const unique: typeof counted = [];
  let current = 0;
  while (current < counted.length - 1) {
    let next = current + 1;
    while (own(counted[current]!.state) === own(counted[next]!.state) && next < counted.length - 1) next++;
    counted[current] = { ...counted[current]!, count: counted.slice(current, next).reduce((sum, s) => sum + s.count, 0) };
    unique.push(counted[current]!);
    if (next === counted.length - 1 && own(counted[current]!.state) !== own(counted[next]!.state)) unique.push(counted[next]!);
    current = next;
  }
  const nonZero = unique.filter((s) => s.count !== 0);
  const total = nonZero.reduce((sum, s) => sum + s.count, 0);
  let before = 0;
  const withOwed = nonZero.map((s) => ({ state: s.state, owed: total - (before += s.count) }));
  if (withOwed.length < 3) return withOwed.slice(-1);
  const rate = Math.floor(withOwed.length / 5) || 1;
  return withOwed.filter((_, i) => i !== 0 && i % rate === 0 && i !== withOwed.length - 1);
}

/** test_two_sequential_reads (CAT 3.9): the second read's records differ from the first's (records' data, order ignored). */
export function sequentialIncrementalProblems(first: readonly Record_[], second: readonly Record_[]): string[] {
  const multiset = (records: readonly Record_[]) => records.map((r) => canonicalJson(r.data)).sort().join('\n');
  return multiset(first) === multiset(second) ? ['records should change between reads but did not'] : [];
}

/**
 * _get_cursor_values_from_states_by_cursor (CAT 3.9): every value under a key named like the
 * cursor field, or under `cursor` in an object that also has `cursor_field`, walked in CAT's order.
 */
export function cursorValuesInState(state: unknown, cursorField: string): unknown[] {
  const values: unknown[] = [];
  const stack: unknown[] = [state];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === cursorField || ('cursor_field' in node && key === 'cursor')) values.push(value);
        stack.push(value);
      }
    }
  }
  return values;
}

const charClass = (c: string): string => (/\p{L}/u.test(c) ? 'alpha' : /\p{N}/u.test(c) ? 'digit' : `other:${c}`);

/**
 * test_state_with_abnormally_large_values's cursor checks (CAT 3.9), after its no-records and
 * some-states checks: the future state holds a cursor value for every incremental stream, and
 * each of a stream's cursor values, in the states the read emitted and in the future state,
 * has the cursor field's schema type and (no cursor_format configured) the same length and
 * kinds of character as its counterpart.
 */
export function futureStateCursorProblems(
  emitted: readonly MessageOf<'STATE'>['state'][],
  future: readonly { stream: { stream_descriptor: { name: string }; stream_state: unknown } }[],
  catalog: Catalog,
): string[] {
  const cursorFields = new Map(
    catalog.streams.filter((s) => s.sync_mode === 'incremental').map((s) => [s.stream.name, (s.cursor_field ?? s.stream.default_cursor_field ?? [])[0]]),
  );
  const actual = new Map<string, unknown[]>();
  for (const state of emitted) {
    const name = state.stream!.stream_descriptor.name;
    actual.set(name, cursorValuesInState(state.stream!.stream_state, cursorFields.get(name)!));
  }
  const inFuture = new Map(
    future.filter((s) => cursorFields.has(s.stream.stream_descriptor.name)).map((s) => [s.stream.stream_descriptor.name, cursorValuesInState(s.stream.stream_state, cursorFields.get(s.stream.stream_descriptor.name)!)]),
  );
  if ([...inFuture.values()].some((values) => values.length === 0)) return ['Future state must be set up for all given streams'];
  const problems: string[] = [];
  const typeOk: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === 'string',
    integer: (v) => typeof v === 'number' && Number.isInteger(v),
    number: (v) => typeof v === 'number',
  };
  for (const { stream } of catalog.streams) {
    const values = actual.get(stream.name);
    if (values === undefined) continue;
    const field = cursorFields.get(stream.name)!;
    const declared = ((stream.json_schema['properties'] as Record<string, { type?: string | string[] }>)[field]?.type ?? []) as string | string[];
    const types = [declared].flat().filter((t) => t !== 'null');
    const futureValues = inFuture.get(stream.name) ?? [];
    for (let i = 0; i < Math.min(values.length, futureValues.length); i++) {
      const [a, f] = [values[i], futureValues[i]];
      for (const type of types) {
        if (typeOk[type] === undefined) problems.push(`${stream.name}: unsupported cursor type ${type}`);
        else if ((a && !typeOk[type](a)) || (f && !typeOk[type](f))) problems.push(`${stream.name}: cursor values ${String(a)} / ${String(f)} are not all ${type}`);
      }
      if (!a || !f || typeof a === 'number') continue;
      const [x, y] = [String(a), String(f)];
      if (x.length !== y.length || [...x].some((c, j) => charClass(c) !== charClass(y[j]!))) {
        problems.push(`${stream.name}: actual and future cursor formats differ (${x} / ${y})`);
      }
    }
  }
  return [...new Set(problems)];
}

/** Per stream, the records a read emitted after message `index`: what a resume from there owes. */
export function recordsAfter(messages: readonly AirbyteMessage[], index: number): Map<string, Json[]> {
  return byStream(messages.slice(index + 1).flatMap((m) => (m.type === 'RECORD' ? [m.record] : [])));
}
