import { describe, expect, it } from 'vitest';
import { pairedRatios, summarize } from './sample-stats.js';

describe('summarize', () => {
  it('takes the middle sample of an odd count, whatever the order', () => {
    expect(summarize([9, 1, 5])).toEqual({ median: 5, min: 1, max: 9, runs: 3 });
  });

  it('averages the two middle samples of an even count', () => {
    expect(summarize([4, 1, 3, 10])).toEqual({ median: 3.5, min: 1, max: 10, runs: 4 });
  });

  it('refuses an empty list instead of inventing a figure', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('pairedRatios', () => {
  it('divides run i by reference run i and stops at the shorter list', () => {
    expect(pairedRatios([10, 20, 30], [5, 40])).toEqual([2, 0.5]);
  });

  it('gives NaN, not Infinity, against a zero reference', () => {
    expect(pairedRatios([1], [0])).toEqual([Number.NaN]);
  });
});
