import { describe, expect, it } from 'vitest';
import { loadStream, txn } from './test-support/load-fixtures.js';
import { KeyTable, StagedKeys } from './staged-keys.js';
import { stagingCells } from './record-typer.js';
import { postgresDialect } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

const plan = loadStream('fi_transactions').plan;
const cellsOf = (id: string | null, extra: Record<string, unknown> = {}, of: TablePlan = plan) =>
  stagingCells(of, txn(id as string, '2025-06-01T00:00:00Z', extra), { emittedAt: 0, syncId: 1, generationId: 0 }, postgresDialect.decimalLimits);

describe('StagedKeys', () => {
  it('a commit repeats a key only when two of its own rows share one; its keys are new only when no earlier row of the load had them', () => {
    const keys = StagedKeys.of(plan, true);
    keys.add(1, cellsOf('a'));
    keys.add(2, cellsOf('b'));
    keys.add(3, cellsOf('a', { narration: 'again' }));
    keys.add(4, cellsOf('c'));
    expect(keys.commit(3)).toEqual({ repeatsKey: true, keysNew: false });
    // Row 4 is past that commit: its own commit repeats nothing and is new.
    expect(keys.commit(4)).toEqual({ repeatsKey: false, keysNew: true });
    // A committed row's key again: no repeat within the commit (no dedup pass), but not new (the upsert compares it with the stored row).
    keys.add(5, cellsOf('b'));
    keys.add(6, cellsOf('d'));
    expect(keys.commit(6)).toEqual({ repeatsKey: false, keysNew: false });
    keys.add(7, cellsOf('e'));
    expect(keys.commit(7)).toEqual({ repeatsKey: false, keysNew: true });
  });

  it('a key repeated across two checkpoints committed together counts; rows staged past a commit keep their repeat', () => {
    const keys = StagedKeys.of(plan, true);
    keys.add(1, cellsOf('t1'));
    keys.add(2, cellsOf('t1'));
    keys.add(3, cellsOf('t2'));
    keys.add(4, cellsOf('t2'));
    // Only rows 1-2 are committed: their repeat counts; rows 3-4 wait with theirs.
    expect(keys.commit(2).repeatsKey).toBe(true);
    expect(keys.commit(4)).toEqual({ repeatsKey: true, keysNew: false });
    // A key repeated after its latest row was committed: the previous row, not the first, decides.
    keys.add(5, cellsOf('t2'));
    expect(keys.commit(5).repeatsKey).toBe(false);
  });

  it('a NULL key part or a key JS cannot compare counts as a repeat; streams without keys to dedup never repeat', () => {
    const keys = StagedKeys.of(plan, true);
    keys.add(1, cellsOf('t1', { session_id: null }));
    expect(keys.commit(1)).toEqual({ repeatsKey: true, keysNew: false });
    const timestampKey = { ...plan, primaryKey: ['txn_id', 'transaction_timestamp'] };
    const byTime = StagedKeys.of(timestampKey, true);
    byTime.add(1, cellsOf('t1', {}, timestampKey));
    expect(byTime.commit(1)).toEqual({ repeatsKey: true, keysNew: false });
    for (const none of [StagedKeys.of({ ...plan, primaryKey: [] }, true), StagedKeys.of(plan, false)]) {
      none.add(1, cellsOf('t1'));
      none.add(2, cellsOf('t1'));
      expect(none.commit(2)).toEqual({ repeatsKey: false, keysNew: false });
    }
  });

  it('hashes cell boundaries: ("ab","c") and ("a","bc") are different keys', () => {
    const two = { ...plan, primaryKey: ['narration', 'reference'] };
    const keys = StagedKeys.of(two, true);
    keys.add(1, cellsOf('x', { narration: 'ab', reference: 'c' }, two));
    keys.add(2, cellsOf('x', { narration: 'a', reference: 'bc' }, two));
    expect(keys.commit(2)).toEqual({ repeatsKey: false, keysNew: true });
  });
});

describe('KeyTable', () => {
  it('keeps 100k distinct keys apart through growth and returns the latest sequence number of a key', () => {
    const table = new KeyTable();
    let repeats = 0;
    for (let i = 1; i <= 100_000; i++) if (table.put(i * 7919, (i * 2 + 1) >>> 0, i, 0) !== 0) repeats += 1;
    expect(repeats).toBe(0);
    expect(table.size).toBe(100_000);
    expect(table.put(5 * 7919, 11, 100_001, 0)).toBe(5);
    expect(table.put(5 * 7919, 11, 100_002, 0)).toBe(100_001);
    expect(table.prunedCommitted).toBe(false);
  });

  it('when full, drops only the keys of committed rows, and says so', () => {
    const table = new KeyTable();
    const keys = 1 << 20;
    for (let i = 1; i <= keys; i++) table.put(i, (i * 2 + 1) >>> 0, i, 0);
    expect(table.prunedCommitted).toBe(false);
    // Rows up to `keys - 10` are committed: the next new key makes room by dropping them.
    expect(table.put(keys + 1, 3, keys + 1, keys - 10)).toBe(0);
    expect(table.prunedCommitted).toBe(true);
    expect(table.size).toBe(11);
    expect(table.put(keys, (keys * 2 + 1) >>> 0, keys + 2, keys - 10)).toBe(keys);
    expect(table.put(1, 3, keys + 3, keys - 10)).toBe(0);
  });
});
