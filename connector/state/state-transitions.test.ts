import { describe, expect, it } from 'vitest';
import { consentSketch, consentsNotIn } from './consent-sketch.js';
import { addToRanges, decodeRanges, encodeRanges } from './range-set.js';
import type { SyncProgress } from './stream-state.js';
import { baseAfterCompletion, baseAfterSync, consentSetSignature, emptyState, syncToResume, watermarkOf, withCursor } from './state-transitions.js';
import { StateManager } from './state-manager.js';

const sync: SyncProgress = { time: '2026-03-10T12:00:00.000Z', base_id: null, fingerprint: 'f', chunks: 2, next_chunk: 0, done_chunks: '', failed_at: '', batches: [] };

describe('range sets', () => {
  it('round-trips and stays compact', () => {
    const values = [5, 1, 2, 3, 9, 10, 3];
    expect(encodeRanges(values)).toBe('1-3,5,9-10');
    expect([...decodeRanges('1-3,5,9-10')].sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 9, 10]);
    expect(encodeRanges(Array.from({ length: 10_000 }, (_, i) => i + 1))).toBe('1-10000');
  });
});

describe('addToRanges', () => {
  it('merges without expanding, and agrees with a set for any input order', () => {
    expect(addToRanges('', [3, 1, 2])).toBe('1-3');
    expect(addToRanges('1-3,7,10-12', [4, 9, 20, 0])).toBe('0-4,7,9-12,20');
    expect(addToRanges('5', [])).toBe('5');
    // A hand-written state out of order still loses nothing.
    expect(addToRanges('10-12,1-2', [5])).toBe('1-2,5,10-12');
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 60;
    for (let trial = 0; trial < 200; trial++) {
      const have = Array.from({ length: trial % 30 }, next);
      const add = Array.from({ length: trial % 7 }, next);
      expect(addToRanges(encodeRanges(have), add)).toBe(encodeRanges([...have, ...add]));
    }
  });
});

describe('stream transitions', () => {
  it('moves the cursor only forward', () => {
    const s = withCursor(emptyState(), '2026-01-02T00:00:00.000Z');
    expect(withCursor(s, '2026-01-01T00:00:00.000Z').cursor).toBe('2026-01-02T00:00:00.000Z');
    expect(withCursor(s, '2026-01-03T00:00:00.000Z').cursor).toBe('2026-01-03T00:00:00.000Z');
  });

  it('advances the base of a stream that read up to the sync\'s start, and keeps the base of a stream reset meanwhile', () => {
    const old = { id: 'A', watermark: '2026-01-01T00:00:00.000Z', exceptions: {}, covered: 'x' };
    const next = { ...old, id: sync.time };
    expect(baseAfterCompletion({ ...emptyState(), base: old }, { ...sync, base_id: 'A' }, next)).toBe(next);
    expect(baseAfterCompletion({ ...emptyState(), base: { ...old, id: 'B' } }, { ...sync, base_id: 'A' }, next)!.id).toBe('B');
    expect(baseAfterCompletion({ ...emptyState(), base: { ...old, id: 'B' } }, sync, next)).toBe(next);
  });

  it('resumes the least-advanced copy of the sync', () => {
    const ahead = { ...emptyState(), seq: 9, sync: { ...sync, next_chunk: 2 } };
    const behind = { ...emptyState(), seq: 4, sync: { ...sync, next_chunk: 1 } };
    expect(syncToResume([ahead, emptyState(), behind])?.next_chunk).toBe(1);
    expect(syncToResume([emptyState()])).toBeUndefined();
  });
});

describe('bases', () => {
  it('lists only lagging or differing consents', () => {
    const previous = { id: 'p', watermark: '2026-01-01T00:00:00.000Z', exceptions: { b: null }, covered: 'x' };
    const base = baseAfterSync({
      syncTime: 'T',
      defaultTo: '2026-03-10T12:00:00.000Z',
      covered: consentSetSignature(['a', 'b', 'c', 'd']),
      consents: ['a', 'b', 'c', 'd'],
      plannedTo: new Map([
        ['a', '2026-03-10T12:00:00.000Z'],
        ['b', '2026-03-10T12:00:00.000Z'],
        ['c', '2026-02-01T00:00:00.000Z'],
      ]),
      failed: { b: 'ConsentRevoked' },
      previous,
    });
    expect(base.exceptions).toEqual({ b: null, c: '2026-02-01T00:00:00.000Z', d: '2026-01-01T00:00:00.000Z' });
    expect(watermarkOf(base, 'a')).toBe('2026-03-10T12:00:00.000Z');
    expect(watermarkOf(base, 'b')).toBeUndefined();
    expect(consentSetSignature(['a', 'b'])).toBe(consentSetSignature(['b', 'a']));
  });

  it('carries a sketch of the consents it covers; a consent it did not cover and this sync did not read has no watermark', () => {
    const previous = { id: 'p', watermark: '2026-01-01T00:00:00.000Z', exceptions: {}, covered: consentSetSignature(['a']), sketch: consentSketch(['a']) };
    const base = baseAfterSync({
      syncTime: 'T',
      defaultTo: '2026-03-10T12:00:00.000Z',
      covered: consentSetSignature(['a', 'n']),
      consents: ['a', 'n'],
      plannedTo: new Map(),
      failed: {},
      previous,
      added: new Set(['n']),
    });
    expect(base.exceptions).toEqual({ a: '2026-01-01T00:00:00.000Z', n: null });
    expect(consentsNotIn(base.sketch!, ['a', 'n', 'z'])).toEqual(new Set(['z']));
  });

  it('reads a base written before sketches (it has none): still valid state', () => {
    const old = { v: 1, cursor: null, seq: 3, base: { id: 'p', watermark: '2026-01-01T00:00:00.000Z', exceptions: {}, covered: '5:814248ea' } };
    expect(StateManager.parse('fi_data', old)?.base?.sketch).toBeUndefined();
    expect(() => StateManager.parse('fi_data', { ...old, base: { ...old.base, sketch: 'garbage' } })).toThrow(/state\.fi_data\.base\.sketch/);
  });

  it('stays under 1 MB for 100,000 consents with 2% lagging', () => {
    const consents = Array.from({ length: 100_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const failed: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) failed[consents[i * 50]!] = 'ConsentRevoked';
    const plannedTo = new Map(consents.map((c) => [c, 'T']));
    const base = baseAfterSync({ syncTime: 'T', defaultTo: 'T', covered: consentSetSignature(consents), consents, plannedTo, failed, previous: null });
    expect(JSON.stringify({ ...emptyState(), base }).length).toBeLessThan(1_000_000);
  });
});
