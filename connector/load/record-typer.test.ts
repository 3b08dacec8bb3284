import { describe, expect, it } from 'vitest';
import { cellOf, stagingCells } from './record-typer.js';
import { duckdbDialect, postgresDialect } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

const duck = duckdbDialect.decimalLimits;
const pg = postgresDialect.decimalLimits;

describe('cellOf', () => {
  it('keeps decimal strings exact and rejects what is not a decimal', () => {
    expect(cellOf('12345678901234.56', 'decimal', duck)).toBe('12345678901234.56');
    expect(cellOf('-0.01', 'decimal', duck)).toBe('-0.01');
    expect(cellOf('1e5', 'decimal', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('12,50', 'decimal', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    // DuckDB's DECIMAL(38,10) holds ten places; an eleventh would be rounded: refuse rather than change the amount.
    expect(cellOf('0.1234567', 'decimal', duck)).toBe('0.1234567');
    expect(cellOf('0.12345678901', 'decimal', duck)).toBe('DESTINATION_FIELD_SIZE_LIMITATION');
    expect(cellOf('0.12345678900', 'decimal', duck)).toBe('0.12345678900');
    expect(cellOf('123456789012345678901234567890', 'decimal', duck)).toBe('DESTINATION_FIELD_SIZE_LIMITATION');
    expect(cellOf('0.1234567', 'decimal', pg)).toBe('0.1234567');
  });

  it('checks dates, timestamps, integers and booleans', () => {
    expect(cellOf('2025-02-28', 'date', duck)).toBe('2025-02-28');
    expect(cellOf('2025-02-30', 'date', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('2025-01-02T03:04:05.123+05:30', 'timestamptz', duck)).toBe('2025-01-02T03:04:05.123+05:30');
    expect(cellOf('yesterday', 'timestamptz', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('2025-02-30T10:00:00Z', 'timestamptz', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('2024-02-29 10:00:00+05:30', 'timestamptz', duck)).toBe('2024-02-29 10:00:00+05:30');
    expect(cellOf(42, 'bigint', duck)).toBe('42');
    expect(cellOf(4.2, 'bigint', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('99999999999999999999', 'bigint', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('9223372036854775808', 'bigint', duck)).toBe('DESTINATION_FIELD_SIZE_LIMITATION');
    expect(cellOf(true, 'boolean', duck)).toBe('true');
    expect(cellOf('true', 'boolean', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf({ a: [1] }, 'json', duck)).toBe('{"a":[1]}');
    expect(cellOf(null, 'decimal', duck)).toBeNull();
  });
});

describe('stagingCells', () => {
  const plan: TablePlan = {
    stream: 's',
    table: 's',
    columns: [
      { name: 'id', kind: 'string' },
      { name: 'amount', kind: 'decimal' },
    ],
    primaryKey: ['id'],
    cursor: undefined,
  };

  it('writes the Airbyte columns first and records nulled fields in _airbyte_meta', () => {
    const cells = stagingCells(plan, { id: 'a', amount: 'ten' }, { emittedAt: Date.UTC(2025, 0, 2), syncId: 7, generationId: 3 }, duck);
    expect(cells[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(cells.slice(1)).toEqual([
      '2025-01-02T00:00:00.000Z',
      JSON.stringify({ changes: [{ field: 'amount', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }], sync_id: 7 }),
      '3',
      'a',
      null,
    ]);
  });

  it('gives each record its own extracted_at and meta, however records alternate', () => {
    const at = (emittedAt: number, syncId: number, amount: string) => stagingCells(plan, { id: 'a', amount }, { emittedAt, syncId, generationId: 0 }, duck).slice(1, 3);
    expect(at(Date.UTC(2025, 0, 2), 7, '1.5')).toEqual(['2025-01-02T00:00:00.000Z', '{"changes":[],"sync_id":7}']);
    expect(at(Date.UTC(2025, 0, 2), 7, 'x')[1]).toContain('DESTINATION_TYPECAST_ERROR');
    expect(at(Date.UTC(2025, 0, 3), 8, '1.5')).toEqual(['2025-01-03T00:00:00.000Z', '{"changes":[],"sync_id":8}']);
    expect(at(Date.UTC(2025, 0, 2), 7, '1.5')).toEqual(['2025-01-02T00:00:00.000Z', '{"changes":[],"sync_id":7}']);
  });
});

describe('cellOf on repeated values', () => {
  it('rejects an impossible date whatever was accepted before it', () => {
    for (let i = 0; i < 3; i++) expect(cellOf('2024-02-29', 'date', duck)).toBe('2024-02-29');
    expect(cellOf('2025-02-29', 'date', duck)).toBe('DESTINATION_TYPECAST_ERROR');
    expect(cellOf('2025-02-29', 'date', duck)).toBe('DESTINATION_TYPECAST_ERROR');
  });

  it('measures a long decimal without its padding zeros', () => {
    expect(cellOf('0000000000000000000000000000001.5', 'decimal', duck)).toBe('0000000000000000000000000000001.5');
    expect(cellOf('1.50000000000000', 'decimal', duck)).toBe('1.50000000000000');
    expect(cellOf('1000000000000000000000000000000.5', 'decimal', duck)).toBe('DESTINATION_FIELD_SIZE_LIMITATION');
  });
});
