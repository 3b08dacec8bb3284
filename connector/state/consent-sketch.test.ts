import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consentSketch, consentsNotIn, isConsentSketch } from './consent-sketch.js';

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`);

describe('consent sketch', () => {
  it('finds the consents added to a list, whatever the order, and none when it is the same set', () => {
    const before = ids(40);
    const sketch = consentSketch(before);
    expect(isConsentSketch(sketch)).toBe(true);
    expect(consentsNotIn(sketch, [...before].reverse())).toEqual(new Set());
    const grown = [...before, ...ids(1, 40)];
    expect(consentsNotIn(sketch, grown)).toEqual(new Set(ids(1, 40)));
  });

  it('tells added from removed: a removed consent is not new, an added one is', () => {
    const before = ids(100);
    const after = [...before.slice(10), ...ids(5, 500)];
    expect(consentsNotIn(consentSketch(before), after)).toEqual(new Set(ids(5, 500)));
  });

  it('resolves 1% added and 1% removed at 100,000 consents, and stays small', () => {
    const before = ids(100_000);
    const sketch = consentSketch(before);
    expect(sketch.length).toBeLessThan(60_000);
    const after = [...before.slice(1_000), ...ids(1_000, 200_000)];
    expect(consentsNotIn(sketch, after)).toEqual(new Set(ids(1_000, 200_000)));
  });

  it('keeps the very sketch states already hold (same keys, same cells)', () => {
    const digest = (sketch: string) => createHash('sha256').update(sketch).digest('hex').slice(0, 16);
    expect(digest(consentSketch(ids(40)))).toBe('7bc9f089d4ec010f');
    expect(digest(consentSketch(ids(5_000)))).toBe('3685d034b16d1d78');
  });

  it('answers "unknown" when more changed than it can resolve, or the sketch is malformed', () => {
    const sketch = consentSketch(ids(100));
    expect(consentsNotIn(sketch, ids(100, 1_000))).toBeUndefined();
    expect(consentsNotIn('12:abc', ids(3))).toBeUndefined();
    expect(isConsentSketch('not a sketch')).toBe(false);
  });
});
