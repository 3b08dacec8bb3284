import { describe, expect, it } from 'vitest';
import { STREAMS } from '../streams/stream-registry.js';
import { duckdbDialect, postgresDialect } from './sql-dialect.js';
import { columnKindOf, finalColumns, tablePlanFor, tablePlanFromSchema } from './table-mapping.js';

describe('columnKindOf', () => {
  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: ['null', 'string'], format: 'date-time' }, 'timestamptz'],
    [{ type: ['null', 'string'], format: 'date' }, 'date'],
    [{ type: ['null', 'string'], format: 'decimal', pattern: '^-?[0-9]+$' }, 'decimal'],
    [{ type: ['null', 'integer'] }, 'bigint'],
    [{ type: 'number' }, 'double'],
    [{ type: ['null', 'boolean'] }, 'boolean'],
    [{ type: ['null', 'object'] }, 'json'],
    [{ type: 'array' }, 'json'],
    [{ type: ['string', 'integer'] }, 'json'],
    [{}, 'json'],
  ] as const)('%j -> %s', (property, kind) => {
    expect(columnKindOf(property)).toBe(kind);
  });

  it('never maps a decimal amount to a float in either database', () => {
    expect(duckdbDialect.columnType('decimal')).toBe('DECIMAL(38,10)');
    expect(postgresDialect.columnType('decimal')).toBe('NUMERIC');
  });
});

describe('tablePlanFor', () => {
  it('plans every stream from its schema, primary key and cursor included', () => {
    for (const stream of STREAMS) {
      const plan = tablePlanFor(stream);
      expect(plan.table).toBe(stream.name);
      expect(plan.primaryKey).toEqual(stream.primaryKey.map((path) => path[0]));
      expect(plan.cursor).toBe(stream.cursorField[0]);
    }
    const txns = tablePlanFor(STREAMS.find((stream) => stream.name === 'fi_transactions')!);
    expect(Object.fromEntries(txns.columns.map((column) => [column.name, column.kind]))).toMatchObject({
      amount: 'decimal',
      current_balance: 'decimal',
      transaction_timestamp: 'timestamptz',
      value_date: 'date',
      txn_id: 'string',
    });
    expect(finalColumns(txns).slice(0, 4).map((column) => column.name)).toEqual(['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta', '_airbyte_generation_id']);
  });

  it('rejects a primary key that is not a top-level property', () => {
    expect(() =>
      tablePlanFromSchema({ name: 'x', primaryKey: [['missing']], cursorField: [] }, { properties: { id: { type: 'string' } } }),
    ).toThrow(/primary key field \[missing\]/);
  });
});
