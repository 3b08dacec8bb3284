import { describe, expect, it } from 'vitest';
import { FreshKeys, HashSet64, keyHash } from './fresh-keys.js';
import { stagingCells } from './record-typer.js';
import { postgresDialect } from './sql-dialect.js';
import { loadStream, txn } from './test-support/load-fixtures.js';

const { plan } = loadStream('fi_transactions');
const cellsOf = (txnId: string, extra: Record<string, unknown> = {}) =>
  stagingCells(plan, txn(txnId, '2025-06-01T00:00:00Z', extra), { emittedAt: 0, syncId: 1, generationId: 0 }, postgresDialect.decimalLimits);

describe('FreshKeys', () => {
  it('lets a commit insert plainly only when none of its rows had a key seen before in the load', () => {
    const keys = new FreshKeys();
    keys.track(plan);
    keys.add(plan.table, 1, cellsOf('a'));
    keys.add(plan.table, 2, cellsOf('b'));
    keys.add(plan.table, 3, cellsOf('a', { narration: 'again' })); // repeats a row of the same commit
    keys.add(plan.table, 4, cellsOf('c'));
    expect(keys.commitFresh(plan.table, 3)).toBe(false);
    // Row 4 is past that commit: its own commit is fresh.
    expect(keys.commitFresh(plan.table, 4)).toBe(true);
    keys.add(plan.table, 5, cellsOf('b')); // repeats a committed row: the upsert must compare it with the stored one
    expect(keys.commitFresh(plan.table, 5)).toBe(false);
    keys.add(plan.table, 6, cellsOf('d'));
    expect(keys.commitFresh(plan.table, 6)).toBe(true);
  });

  it('counts a NULL key part as a repeat, and never frees an untracked table from the upsert', () => {
    const keys = new FreshKeys();
    keys.track(plan);
    keys.add(plan.table, 1, cellsOf(null as unknown as string));
    expect(keys.commitFresh(plan.table, 1)).toBe(false);
    keys.forget(plan.table);
    keys.add(plan.table, 2, cellsOf('x'));
    expect(keys.commitFresh(plan.table, 2)).toBe(false);
    expect(keys.commitFresh('other', 2)).toBe(false);
  });

  it('hashes cell boundaries too, and keeps 100k distinct keys apart through growth', () => {
    expect(keyHash(['ab', 'c'], [0, 1])).not.toEqual(keyHash(['a', 'bc'], [0, 1]));
    const set = new HashSet64();
    for (let i = 0; i < 100_000; i++) {
      const hash = keyHash([`session-${i % 97}`, `link-${i % 7}`, `t${i}`], [0, 1, 2])!;
      expect(set.addIfNew(hash.low, hash.high)).toBe(true);
    }
    expect(set.size).toBe(100_000);
    const again = keyHash(['session-5', 'link-5', 't5'], [0, 1, 2])!;
    expect(set.addIfNew(again.low, again.high)).toBe(false);
  });
});
