import { ConfigError } from '../errors/connector-errors.js';

/** Where `--to` points. Parsed at the door, so a typo is a config error before anything runs. */
export type DestinationTarget =
  | { kind: 'duckdb'; path: string }
  | { kind: 'postgres'; connectionString: string; schema: string; description: string };

export const DEFAULT_TARGET = 'duckdb:./finpro.duckdb';

export function parseDestinationTarget(to: string): DestinationTarget {
  if (to.startsWith('duckdb:')) {
    const path = to.slice('duckdb:'.length);
    if (path === '') throw new ConfigError('--to duckdb: needs a file path, e.g. --to duckdb:./finpro.duckdb.');
    return { kind: 'duckdb', path };
  }
  if (to.startsWith('postgres://') || to.startsWith('postgresql://')) {
    let url: URL;
    try {
      url = new URL(to);
    } catch {
      throw new ConfigError('--to: not a valid Postgres URL; expected postgres://user@host[:port]/database[?schema=name].');
    }
    if (url.pathname.length <= 1) throw new ConfigError('--to: the Postgres URL names no database, e.g. postgres://postgres@127.0.0.1/finpro.');
    const schema = url.searchParams.get('schema') ?? 'public';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new ConfigError(`--to: schema "${schema}" must be a plain SQL identifier (letters, digits, _).`);
    url.searchParams.delete('schema');
    const shown = new URL(url.toString());
    // Never print a password, even our own user's.
    if (shown.password !== '') shown.password = '***';
    return { kind: 'postgres', connectionString: url.toString(), schema, description: `${shown.toString()}${schema !== 'public' ? ` (schema ${schema})` : ''}` };
  }
  throw new ConfigError(`--to "${to}" is not a destination: use duckdb:PATH (e.g. ${DEFAULT_TARGET}) or postgres://user@host/database[?schema=name].`);
}
