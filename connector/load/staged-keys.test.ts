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
  it('a commit repeats a key only when two of its own rows share one', () => {
    const keys = StagedKeys.of(plan, true);
    keys.add(1, cellsOf('a'));
    keys.add(2, cellsOf('b'));
    keys.add(3, cellsOf('a', { narration: 'again' }));
    keys.add(4, cellsOf('c'));
    expect(keys.commit(3)).toEqual({ repeatsKey: true });
    // Row 4 is past that commit: its own commit repeats nothing.
    expect(keys.commit(4)).toEqual({ repeatsKey: false });
    // A committed row's key again: no repeat within the commit (no dedup pass); the database compares it with the stored row.
    keys.add(5, cellsOf('b'));
    keys.add(6, cellsOf('d'));
    expect(keys.commit(6)).toEqual({ repeatsKey: false });
  });

  it('a key repeated across two checkpoints committed together counts; rows staged past a commit keep their repeat', () => {
    const keys = StagedKeys.of(plan, true);
    keys.add(1, cellsOf('t1'));
    keys.add(2, cellsOf('t1'));
    keys.add(3, cellsOf('t2'));
    keys.add(4, cellsOf('t2'));
    // Only rows 1-2 are committed: their repeat counts; rows 3-4 wait with theirs.
    expect(keys.commit(2).repeatsKey).toBe(true);
    expect(keys.commit(4)).toEqual({ repeatsKey: true });
    // A key repeated after its latest row was committed: the previous row, not the first, decides.
    keys.add(5, cellsOf('t2'));
    expect(keys.commit(5).repeatsKey).toBe(false);
  });

  it('a NULL key part or a key JS cannot compare counts as a repeat; streams without keys to dedup never repeat', () => {
    const keys = StagedKeys.of(plan, true);
    keys.add(1, cellsOf('t1', { session_id: null }));
    expect(keys.commit(1)).toEqual({ repeatsKey: true });
    const timestampKey = { ...plan, primaryKey: ['txn_id', 'transaction_timestamp'] };
    const byTime = StagedKeys.of(timestampKey, true);
    byTime.add(1, cellsOf('t1', {}, timestampKey));
    expect(byTime.commit(1)).toEqual({ repeatsKey: true });
    for (const none of [StagedKeys.of({ ...plan, primaryKey: [] }, true), StagedKeys.of(plan, false)]) {
      none.add(1, cellsOf('t1'));
      none.add(2, cellsOf('t1'));
      expect(none.commit(2)).toEqual({ repeatsKey: false });
    }
  });

  it('hashes cell boundaries: ("ab","c") and ("a","bc") are different keys', () => {
    const two = { ...plan, primaryKey: ['narration', 'reference'] };
    const keys = StagedKeys.of(two, true);
    keys.add(1, cellsOf('x', { narration: 'ab', reference: 'c' }, two));
    keys.add(2, cellsOf('x', { narration: 'a', reference: 'bc' }, two));
    expect(keys.commit(2)).toEqual({ repeatsKey: false });
  });
});

describe('KeyTable', () => {
  it('keeps 100k distinct keys apart through growth and returns the latest sequence number of a key', () => {
    const table = new KeyTable();
    let repeats = 0;
    for (let i = 1; i <= 100_000; i++) if (table.put(i * 7919, (i * 2 + 1) >>> 0, i) !== 0) repeats += 1;
    expect(repeats).toBe(0);
    expect(table.size).toBe(100_000);
    expect(table.put(5 * 7919, 11, 100_001)).toBe(5);
    expect(table.put(5 * 7919, 11, 100_002)).toBe(100_001);
  });

  it('forgets the keys of committed rows and keeps the others, so it holds only what waits for a commit', () => {
    const table = new KeyTable();
    const keys = 300_000;
    for (let i = 1; i <= keys; i++) table.put(i, (i * 2 + 1) >>> 0, i);
    table.forgetUpTo(keys - 10);
    expect(table.size).toBe(10);
    // A forgotten key is new again; a kept one still answers with its row.
    expect(table.put(1, 3, keys + 1)).toBe(0);
    expect(table.put(keys, (keys * 2 + 1) >>> 0, keys + 2)).toBe(keys);
    table.forgetUpTo(keys + 2);
    expect(table.size).toBe(0);
  });
});

describe('StagedKeys memory', () => {
  it('stays at the rows waiting for a commit, however many the load committed', () => {
    const keys = StagedKeys.of(plan, true);
    let seq = 0;
    for (let commit = 0; commit < 20; commit++) {
      for (let i = 0; i < 20_000; i++) keys.add(++seq, cellsOf(`t${seq}`));
      // The last row waits for the next commit.
      expect(keys.commit(seq - 1)).toEqual({ repeatsKey: false });
      expect(keys.heldKeys).toBe(1);
    }
    keys.commit(seq);
    // 400,000 keys went through; none is held.
    expect(keys.heldKeys).toBe(0);
  });
});
