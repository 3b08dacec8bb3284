import { describe, expect, it } from 'vitest';
import { FreshKeys, keyHash } from './fresh-keys.js';

describe('FreshKeys', () => {
  it('lets a commit insert plainly only when none of its rows had a key seen before in the load', () => {
    const keys = new FreshKeys();
    keys.track('t');
    keys.add('t', 1, 'a');
    keys.add('t', 2, 'b');
    keys.add('t', 3, 'a'); // repeats a row of the same commit
    keys.add('t', 4, 'c');
    expect(keys.commitFresh('t', 3)).toBe(false);
    // Row 4 is past that commit: its own commit is fresh.
    expect(keys.commitFresh('t', 4)).toBe(true);
    keys.add('t', 5, 'b'); // repeats a committed row: the upsert must compare it with the stored one
    expect(keys.commitFresh('t', 5)).toBe(false);
    keys.add('t', 6, 'd');
    expect(keys.commitFresh('t', 6)).toBe(true);
  });

  it('counts a key JS cannot compare as a repeat, and never frees an untracked table from the upsert', () => {
    const keys = new FreshKeys();
    keys.track('t');
    keys.add('t', 1, null);
    expect(keys.commitFresh('t', 1)).toBe(false);
    keys.add('u', 1, 'a');
    expect(keys.commitFresh('u', 1)).toBe(false);
    keys.forget('t');
    keys.add('t', 2, 'x');
    expect(keys.commitFresh('t', 2)).toBe(false);
  });

  it('hashes to exact integers below 2^52 that tell near keys apart', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      const hash = keyHash(`36:session-${i}|12:link-${i % 7}|5:t${i}`);
      expect(Number.isSafeInteger(hash) && hash < 2 ** 52).toBe(true);
      hashes.add(hash);
    }
    expect(hashes.size).toBe(100_000);
  });
});
