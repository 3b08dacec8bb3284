import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/connector-errors.js';
import { parseDestinationTarget } from './destination-url.js';
import { DEFAULT_MEMORY_BUDGET_BYTES, memoryBudget } from './memory-budget.js';

describe('parseDestinationTarget', () => {
  it('reads DuckDB paths and Postgres URLs with an optional schema, with the default memory budget', () => {
    expect(parseDestinationTarget('duckdb:./finpro.duckdb')).toEqual({ kind: 'duckdb', path: './finpro.duckdb', memory: memoryBudget() });
    expect(parseDestinationTarget('postgres://postgres@127.0.0.1:5432/test?schema=fin')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://postgres@127.0.0.1:5432/test',
      schema: 'fin',
      description: 'postgres://postgres@127.0.0.1:5432/test (schema fin)',
      memory: memoryBudget(),
    });
    expect(memoryBudget().totalBytes).toBe(DEFAULT_MEMORY_BUDGET_BYTES);
  });

  it('takes ?memory_limit= on either destination and keeps it out of the connection string', () => {
    const duck = parseDestinationTarget('duckdb:/data/f.duckdb?memory_limit=1GB');
    expect(duck).toMatchObject({ kind: 'duckdb', path: '/data/f.duckdb', memory: { totalBytes: 1e9 } });
    const pg = parseDestinationTarget('postgres://u@db/x?memory_limit=800MiB&schema=fin');
    expect(pg).toMatchObject({ kind: 'postgres', connectionString: 'postgres://u@db/x', schema: 'fin', memory: { totalBytes: 800 * 2 ** 20 } });
    // A `?` that starts no option stays part of the file name.
    expect(parseDestinationTarget('duckdb:./odd?.duckdb')).toMatchObject({ path: './odd?.duckdb' });
  });

  it('rejects a memory_limit it cannot use, naming the field', () => {
    expect(() => parseDestinationTarget('duckdb:f.duckdb?memory_limit=lots')).toThrow(/memory_limit "lots" is not a size/);
    expect(() => parseDestinationTarget('postgres://h/d?memory_limit=64MB')).toThrow(/memory_limit "64MB" is below/);
    expect(() => parseDestinationTarget('duckdb:f.duckdb?threads=8')).toThrow(/unknown option "threads"/);
    expect(() => parseDestinationTarget('duckdb:f.duckdb?memory_limit=1GB')).not.toThrow();
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
