import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/connector-errors.js';
import { parseDestinationTarget } from './destination-url.js';

describe('parseDestinationTarget', () => {
  it('reads DuckDB paths and Postgres URLs with an optional schema', () => {
    expect(parseDestinationTarget('duckdb:./finpro.duckdb')).toEqual({ kind: 'duckdb', path: './finpro.duckdb' });
    expect(parseDestinationTarget('postgres://postgres@127.0.0.1:5432/test?schema=fin')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://postgres@127.0.0.1:5432/test',
      schema: 'fin',
      description: 'postgres://postgres@127.0.0.1:5432/test (schema fin)',
    });
  });

  it('never shows a password and rejects what it cannot use', () => {
    const target = parseDestinationTarget('postgresql://u:hunter2@db/x');
    expect(target.kind === 'postgres' && target.description).toBe('postgresql://u:***@db/x');
    expect(() => parseDestinationTarget('mysql://x')).toThrow(ConfigError);
    expect(() => parseDestinationTarget('duckdb:')).toThrow(/file path/);
    expect(() => parseDestinationTarget('postgres://h/')).toThrow(/no database/);
    expect(() => parseDestinationTarget('postgres://h/d?schema=a;drop')).toThrow(/identifier/);
  });
});
