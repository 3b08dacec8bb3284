import { describe, expect, it } from 'vitest';
import { loadStream, txn } from './test-support/load-fixtures.js';
import { keyOf, StagedKeys } from './staged-keys.js';
import { stagingCells } from './record-typer.js';
import { duckdbDialect } from './sql-dialect.js';

const plan = loadStream('fi_transactions').plan;
const cellsOf = (data: Record<string, unknown>) => stagingCells(plan, data, { emittedAt: 0, syncId: 1, generationId: 0 }, duckdbDialect.decimalLimits);
const key = (id: string) => keyOf(plan, cellsOf(txn(id, '2025-06-01T00:00:00Z')));

describe('StagedKeys', () => {
  it('sees no repeat among distinct keys, and a repeat within a checkpoint', () => {
    const keys = new StagedKeys();
    keys.add(key('t1'));
    keys.add(key('t2'));
    keys.seal(2);
    expect(keys.repeatsUpTo(2)).toBe(false);
    keys.add(key('t3'));
    keys.add(key('t3'));
    expect(keys.repeatsUpTo(2)).toBe(false);
    expect(keys.repeatsUpTo(4)).toBe(true);
    keys.seal(4);
    expect(keys.repeatsUpTo(4)).toBe(true);
  });

  it('a key repeated across two checkpoints committed together counts; after a commit it does not', () => {
    const keys = new StagedKeys();
    keys.add(key('t1'));
    keys.seal(1);
    keys.add(key('t1'));
    keys.seal(2);
    expect(keys.repeatsUpTo(2)).toBe(true);
    keys.committedUpTo(2);
    keys.add(key('t1'));
    keys.seal(3);
    expect(keys.repeatsUpTo(3)).toBe(false);
  });

  it('rows staged after the committed checkpoint keep their repeat', () => {
    const keys = new StagedKeys();
    keys.add(key('t1'));
    keys.seal(1);
    keys.add(key('t2'));
    keys.add(key('t2'));
    keys.committedUpTo(1);
    keys.seal(3);
    expect(keys.repeatsUpTo(3)).toBe(true);
  });

  it('keys JS cannot compare as the database does count as repeats; streams without a key never do', () => {
    const keys = new StagedKeys();
    keys.add(keyOf(plan, cellsOf(txn('t1', '2025-06-01T00:00:00Z', { session_id: null }))));
    keys.seal(1);
    expect(keys.repeatsUpTo(1)).toBe(true);
    const none = new StagedKeys();
    const noKey = { ...plan, primaryKey: [] };
    none.add(keyOf(noKey, cellsOf(txn('t1', '2025-06-01T00:00:00Z'))));
    none.add(keyOf(noKey, cellsOf(txn('t1', '2025-06-01T00:00:00Z'))));
    none.seal(2);
    expect(none.repeatsUpTo(2)).toBe(false);
    // Parts are length-prefixed: ("ab","c") and ("a","bc") are different keys.
    const two = { ...plan, primaryKey: ['narration', 'reference'] };
    expect(keyOf(two, cellsOf(txn('x', '2025-06-01T00:00:00Z', { narration: 'ab', reference: 'c' })))).not.toBe(keyOf(two, cellsOf(txn('x', '2025-06-01T00:00:00Z', { narration: 'a', reference: 'bc' }))));
  });
});
