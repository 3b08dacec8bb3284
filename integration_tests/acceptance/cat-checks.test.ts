import { describe, expect, it } from 'vitest';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../connector/protocol/airbyte-message.js';
import {
  basicReadCatalog,
  cursorValuesInState,
  expectedRecordProblems,
  futureStateCursorProblems,
  recordsAfter,
  sequentialIncrementalProblems,
  sequentialReadProblems,
  specRuleProblems,
  statesToResume,
  streamStatusProblems,
} from './cat-checks.js';

const stream = { name: 's', json_schema: { type: 'object', properties: { id: { type: 'string' } } }, supported_sync_modes: ['full_refresh' as const, 'incremental' as const], source_defined_primary_key: [['id']], default_cursor_field: ['at'] };
const catalog: ConfiguredAirbyteCatalog = basicReadCatalog({ streams: [stream] }, []);
const rec = (id: string, emitted_at = 1, extra: Record<string, unknown> = {}) => ({ stream: 's', data: { id, ...extra }, emitted_at });

describe('CAT checks', () => {
  it('basic_read catalog: discovered streams in their first sync mode, empty streams left out', () => {
    expect(catalog.streams.map((s) => [s.stream.name, s.sync_mode])).toEqual([['s', 'full_refresh']]);
    expect(basicReadCatalog({ streams: [stream] }, ['s']).streams).toEqual([]);
  });

  it('expected records are found by primary key alone', () => {
    expect(expectedRecordProblems([rec('1', 1, { v: 'new' })], [{ stream: 's', data: { id: '1', v: 'old' } }], catalog)).toEqual([]);
    expect(expectedRecordProblems([rec('2')], [{ stream: 's', data: { id: '1' } }], catalog)).toEqual(['s: 1 of 1 expected primary keys not read, e.g. ["1"]']);
    // exact_order: the first keys read, in order
    expect(expectedRecordProblems([rec('1'), rec('2'), rec('3')], [{ stream: 's', data: { id: '1' } }, { stream: 's', data: { id: '2' } }], catalog, true)).toEqual([]);
    expect(expectedRecordProblems([rec('2'), rec('1')], [{ stream: 's', data: { id: '1' } }, { stream: 's', data: { id: '2' } }], catalog, true)).toHaveLength(1);
    // no source-defined primary key: only as many records as expected
    const noKey = basicReadCatalog({ streams: [{ ...stream, source_defined_primary_key: [] }] }, []);
    expect(expectedRecordProblems([rec('9')], [{ stream: 's', data: { id: '1' } }], noKey)).toEqual([]);
    expect(expectedRecordProblems([], [{ stream: 's', data: { id: '1' } }], noKey)).toHaveLength(1);
  });

  it('stream statuses: STARTED, at least one RUNNING, COMPLETE', () => {
    const ok = ['STARTED', 'RUNNING', 'RUNNING', 'COMPLETE'].map((status) => ({ stream: 's', status }));
    expect(streamStatusProblems(ok, catalog)).toEqual([]);
    expect(streamStatusProblems([{ stream: 's', status: 'STARTED' }, { stream: 's', status: 'COMPLETE' }], catalog)).toHaveLength(1);
  });

  it('sequential full refreshes: later emitted_at, a subset by key or by content minus ignored fields', () => {
    expect(sequentialReadProblems([rec('1', 5)], [rec('1', 9), rec('2', 9)], catalog, {})).toEqual([]);
    expect(sequentialReadProblems([rec('1', 9)], [rec('1', 9)], catalog, {})[0]).toMatch(/emitted_at should increase/);
    const noKeys = { streams: catalog.streams.map(({ primary_key: _, ...s }) => s) };
    expect(sequentialReadProblems([rec('1', 1, { t: 'a' })], [rec('2', 2, { t: 'a' })], noKeys, { s: ['id'] })).toEqual([]);
    expect(sequentialReadProblems([rec('1', 1, { t: 'a' })], [rec('1', 2, { t: 'b' })], noKeys, { s: ['id'] })).toHaveLength(1);
  });

  it('checkpoints as CAT 3.9 picks them: repeats folded, uncounted states dropped, what each owes; one in n/5 from three on', () => {
    const state = (n: number, count: number) => ({ type: 'STREAM' as const, stream: { stream_descriptor: { name: 's' }, stream_state: { n } }, sourceStats: { recordCount: count } });
    const record = (id: string): AirbyteMessage => ({ type: 'RECORD', record: rec(id) });
    const [a, a2, b, c] = [state(1, 1), state(1, 1), state(2, 2), state(3, 0)];
    // a and its repeat fold into a (count 2), c counts nothing: two states left, so the last one, owing 0.
    expect(statesToResume([a, a2, b, c])).toEqual([{ state: b, owed: 0 }]);
    const many = Array.from({ length: 12 }, (_, i) => state(i, 1));
    expect(statesToResume(many).map((s) => [s.state.stream!.stream_state!['n'], s.owed])).toEqual([[2, 9], [4, 7], [6, 5], [8, 3], [10, 1]]);
    expect(statesToResume([state(1, 0)])).toEqual([]);
    const messages: AirbyteMessage[] = [record('1'), { type: 'STATE', state: a }, record('2'), record('3')];
    expect(recordsAfter(messages, 1).get('s')).toHaveLength(2);
  });

  it('two sequential incremental reads must differ', () => {
    expect(sequentialIncrementalProblems([rec('1')], [rec('1', 5)])).toHaveLength(1);
    expect(sequentialIncrementalProblems([rec('1')], [])).toEqual([]);
  });

  it('future state: cursors found by the cursor field\'s name or beside cursor_field, same type and format', () => {
    expect(cursorValuesInState({ cursor: 'x', base: { at: 'y' } }, 'at')).toEqual(['y']);
    expect(cursorValuesInState({ cursor: 'x', cursor_field: ['at'] }, 'at')).toEqual(['x']);
    expect(cursorValuesInState({ cursor: 'x' }, 'at')).toEqual([]);
    const incremental = { streams: catalog.streams.map((s) => ({ ...s, sync_mode: 'incremental' as const, cursor_field: ['at'] })) };
    const withAt = { streams: [{ ...incremental.streams[0]!, stream: { ...stream, json_schema: { type: 'object', properties: { id: { type: 'string' }, at: { type: ['null', 'string'] } } } } }] };
    const emitted = (cursor: string) => [{ type: 'STREAM' as const, stream: { stream_descriptor: { name: 's' }, stream_state: { cursor, cursor_field: ['at'] } } }];
    const future = [{ stream: { stream_descriptor: { name: 's' }, stream_state: { cursor: '2999-01-01T00:00:00.000Z', cursor_field: ['at'] } } }];
    expect(futureStateCursorProblems(emitted('2026-12-01T17:31:32.489Z'), future, withAt)).toEqual([]);
    expect(futureStateCursorProblems(emitted('2026-12-01T17:31:32Z'), future, withAt)).toHaveLength(1);
    expect(futureStateCursorProblems(emitted('x'), [{ stream: { stream_descriptor: { name: 's' }, stream_state: { cursor: 'y' } } }], withAt)).toEqual(['Future state must be set up for all given streams']);
  });

  it('spec rules: secrets marked, orders unique per group, groups top-level, no forbidden keywords', () => {
    expect(specRuleProblems({ type: 'object', properties: { password: { type: 'string', airbyte_secret: true }, a: { type: 'string', order: 0, group: 'g' }, b: { type: 'string', order: 0 } } })).toEqual([]);
    expect(specRuleProblems({ type: 'object', properties: { api_token: { type: 'string' } } })).toEqual(['#/properties/api_token: should be marked airbyte_secret']);
    expect(specRuleProblems({ type: 'object', properties: { a: { type: 'string', order: 1 }, b: { type: 'string', order: 1 } } })).toHaveLength(1);
    expect(specRuleProblems({ type: 'object', properties: { o: { type: 'object', properties: { x: { type: 'string', group: 'g' } } } } })).toEqual(['#/properties/o/properties/x/group: groups only on top-level properties']);
    expect(specRuleProblems({ type: 'object', properties: { x: { type: 'string', allOf: [] } } })).toEqual(['#/properties/x/allOf: a forbidden keyword']);
  });
});
