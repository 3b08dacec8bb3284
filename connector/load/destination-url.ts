import { ConfigError } from '../errors/connector-errors.js';
import { memoryBudget, parseMemoryLimit, type MemoryBudget } from './memory-budget.js';

/**
 * Where `--to` points, and the memory budget its `?memory_limit=` sets (memory-budget.ts).
 * Parsed at the door, so a typo is a config error before anything runs.
 */
export type DestinationTarget =
  | { kind: 'duckdb'; path: string; memory: MemoryBudget }
  | { kind: 'postgres'; connectionString: string; schema: string; description: string; memory: MemoryBudget };

export const DEFAULT_TARGET = 'duckdb:./finpro.duckdb';

export function parseDestinationTarget(to: string): DestinationTarget {
  if (to.startsWith('duckdb:')) {
    const [path = '', query] = splitQuery(to.slice('duckdb:'.length));
    if (path === '') throw new ConfigError('--to duckdb: needs a file path, e.g. --to duckdb:./finpro.duckdb.');
    const params = new URLSearchParams(query ?? '');
    for (const name of params.keys()) {
      if (name !== 'memory_limit') throw new ConfigError(`--to duckdb:${path}: unknown option "${name}"; the only option is memory_limit (e.g. ?memory_limit=512MB).`);
    }
    return { kind: 'duckdb', path, memory: budgetOf(params) };
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
    const memory = budgetOf(url.searchParams);
    url.searchParams.delete('schema');
    url.searchParams.delete('memory_limit');
    const shown = new URL(url.toString());
    // Never print a password, even our own user's.
    if (shown.password !== '') shown.password = '***';
    return { kind: 'postgres', connectionString: url.toString(), schema, description: `${shown.toString()}${schema !== 'public' ? ` (schema ${schema})` : ''}`, memory };
  }
  throw new ConfigError(`--to "${to}" is not a destination: use duckdb:PATH (e.g. ${DEFAULT_TARGET}) or postgres://user@host/database[?schema=name].`);
}

function budgetOf(params: URLSearchParams): MemoryBudget {
  const limit = params.get('memory_limit');
  return memoryBudget(limit === null ? undefined : parseMemoryLimit(limit));
}

/** `path?query` of a DuckDB target; a `?` is taken as the start of options only when options follow it. */
function splitQuery(text: string): [string, string | undefined] {
  const at = text.lastIndexOf('?');
  if (at < 0 || !/^[A-Za-z_]+=/.test(text.slice(at + 1))) return [text, undefined];
  return [text.slice(0, at), text.slice(at + 1)];
}
