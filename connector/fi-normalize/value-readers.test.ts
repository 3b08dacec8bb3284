import { describe, expect, it } from 'vitest';
import { childOf, listOf, spellingsOf } from './container-reader.js';
import { decimalOf } from './decimal-reader.js';
import { dateOf, dateTimeUtcOf } from './time-reader.js';

describe('decimalOf', () => {
  it('keeps decimal strings as sent and writes numbers exactly', () => {
    expect(decimalOf('1234.50')).toBe('1234.50');
    expect(decimalOf('-0.01')).toBe('-0.01');
    expect(decimalOf('007')).toBe('007');
    expect(decimalOf(100.1)).toBe('100.1');
    expect(decimalOf(0.3)).toBe('0.3');
    expect(decimalOf(1e21)).toBe('1000000000000000000000');
    expect(decimalOf(1.5e-7)).toBe('0.00000015');
    expect(decimalOf(-42)).toBe('-42');
  });

  it('expands scientific notation exactly, never through a float', () => {
    expect(decimalOf('2.025018787E7')).toBe('20250187.87');
    expect(decimalOf('1.2345678901234567890123E5')).toBe('123456.78901234567890123');
    expect(decimalOf('-5E-3')).toBe('-0.005');
    expect(decimalOf('1.0e+2')).toBe('100');
    expect(decimalOf('0E5')).toBe('0');
    expect(decimalOf('-0e1')).toBe('0');
  });

  it('reads blanks as no value (null, never 0) and the rare spellings', () => {
    expect(decimalOf('')).toBeNull();
    expect(decimalOf('  ')).toBeNull();
    expect(decimalOf(null)).toBeNull();
    expect(decimalOf(undefined)).toBeNull();
    expect(decimalOf(' +7.0 ')).toBe('7.0');
    expect(decimalOf('.5')).toBe('0.5');
    expect(decimalOf('5.')).toBe('5');
  });

  it('says undefined for what is no decimal', () => {
    for (const bad of ['five', '1,234.00', '1.2.3', '-', '.', 'E5', '1e', {}, [], true, Number.NaN, Number.POSITIVE_INFINITY, '1e999']) {
      expect(decimalOf(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('dateTimeUtcOf', () => {
  it('turns every offset the contract lists into ISO-8601 UTC with milliseconds', () => {
    expect(dateTimeUtcOf('2026-01-02T03:04:05.678Z')).toBe('2026-01-02T03:04:05.678Z');
    expect(dateTimeUtcOf('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000Z');
    expect(dateTimeUtcOf('2026-01-02T10:30:00+05:30')).toBe('2026-01-02T05:00:00.000Z');
    expect(dateTimeUtcOf('2026-01-02T10:30:00+0530')).toBe('2026-01-02T05:00:00.000Z');
    expect(dateTimeUtcOf('2026-01-02T10:30:00+0000')).toBe('2026-01-02T10:30:00.000Z');
    expect(dateTimeUtcOf('2026-01-02T01:00:00-02:00')).toBe('2026-01-02T03:00:00.000Z');
    expect(dateTimeUtcOf('2026-01-01T02:00:00+05:30')).toBe('2025-12-31T20:30:00.000Z');
  });

  it('reads no offset as UTC, a date as its midnight, and a space for the T', () => {
    expect(dateTimeUtcOf('2026-01-02T10:30:00')).toBe('2026-01-02T10:30:00.000Z');
    expect(dateTimeUtcOf('2026-01-02 10:30:00.123456')).toBe('2026-01-02T10:30:00.123Z');
    expect(dateTimeUtcOf('2026-01-02')).toBe('2026-01-02T00:00:00.000Z');
    expect(dateTimeUtcOf('2026-01-02T10:30')).toBe('2026-01-02T10:30:00.000Z');
  });

  it('says null for no value and undefined for what is no date-time', () => {
    expect(dateTimeUtcOf('')).toBeNull();
    expect(dateTimeUtcOf(null)).toBeNull();
    expect(dateTimeUtcOf(undefined)).toBeNull();
    for (const bad of ['yesterday', '2026-02-30T00:00:00Z', '2026-13-01', '2026-01-01T25:00:00Z', '0001-01-01T00:00:00Z', 1700000000, {}]) {
      expect(dateTimeUtcOf(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('dateOf', () => {
  it('keeps dates and takes the local day of a date-time', () => {
    expect(dateOf('2024-02-29')).toBe('2024-02-29');
    expect(dateOf('2026-01-02T00:30:00+05:30')).toBe('2026-01-02');
    expect(dateOf('')).toBeNull();
    expect(dateOf(null)).toBeNull();
    for (const bad of ['2023-02-29', '02/01/2026', '2026-1-2', '2026-01-02X', 20260102]) expect(dateOf(bad), String(bad)).toBeUndefined();
  });
});

describe('lists and containers', () => {
  it('reads a list, a single object, [], "" and absence', () => {
    expect(listOf([{ a: 1 }, { a: 2 }])).toHaveLength(2);
    expect(listOf({ a: 1 })).toEqual([{ a: 1 }]);
    expect(listOf([])).toEqual([]);
    expect(listOf('')).toEqual([]);
    expect(listOf(undefined)).toEqual([]);
    expect(listOf(null)).toEqual([]);
  });

  it('finds a container in capitalised, lower-camel, lower-case and snake_case spelling', () => {
    expect(spellingsOf('Tier1SchemeTransactions')).toEqual(['Tier1SchemeTransactions', 'tier1SchemeTransactions', 'tier1schemetransactions', 'tier1_scheme_transactions']);
    for (const key of spellingsOf('Tier1SchemeTransactions')) expect(childOf({ [key]: 7 }, 'Tier1SchemeTransactions')).toBe(7);
    expect(childOf({ Summary: 1, summary: 2 }, 'Summary')).toBe(1);
    expect(childOf({}, 'Summary')).toBeUndefined();
    expect(childOf(null, 'Summary')).toBeUndefined();
  });
});
