import { describe, expect, it } from 'vitest';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../connector/protocol/airbyte-message.js';
import {
  basicReadCatalog,
  checkpointsToResume,
  expectedRecordProblems,
  recordCountsAfter,
  recordsAfter,
  sequentialReadProblems,
  specRuleProblems,
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

  it('checkpoints: distinct states, sampled one in n/10 from ten on; record counts after each', () => {
    const state = (n: number, count: number): AirbyteMessage => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { n } }, sourceStats: { recordCount: count } } });
    const record = (id: string): AirbyteMessage => ({ type: 'RECORD', record: rec(id) });
    const messages = [record('1'), state(1, 1), state(1, 1), record('2'), record('3'), state(2, 2)];
    expect(checkpointsToResume(messages)).toEqual([1, 5]);
    expect(recordsAfter(messages, 1).get('s')).toHaveLength(2);
    expect(recordCountsAfter(messages, 1).get('s')).toBe(3); // the repeated state counts its record again: duplicates are CAT's to drop
    const many = Array.from({ length: 25 }, (_, i) => state(i, 0));
    expect(checkpointsToResume(many)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  });

  it('spec rules: secrets marked, orders unique per group, groups top-level, no forbidden keywords', () => {
    expect(specRuleProblems({ type: 'object', properties: { password: { type: 'string', airbyte_secret: true }, a: { type: 'string', order: 0, group: 'g' }, b: { type: 'string', order: 0 } } })).toEqual([]);
    expect(specRuleProblems({ type: 'object', properties: { api_token: { type: 'string' } } })).toEqual(['#/properties/api_token: should be marked airbyte_secret']);
    expect(specRuleProblems({ type: 'object', properties: { a: { type: 'string', order: 1 }, b: { type: 'string', order: 1 } } })).toHaveLength(1);
    expect(specRuleProblems({ type: 'object', properties: { o: { type: 'object', properties: { x: { type: 'string', group: 'g' } } } } })).toEqual(['#/properties/o/properties/x/group: groups only on top-level properties']);
    expect(specRuleProblems({ type: 'object', properties: { x: { type: 'string', allOf: [] } } })).toEqual(['#/properties/x/allOf: a forbidden keyword']);
  });
});
