import type { ColumnKind } from './table-mapping.js';

/**
 * The few things DuckDB and Postgres spell differently. Everything else (the merge, the
 * views) is one SQL text built in load-sql.ts and analysis-views.ts.
 */
export interface SqlDialect {
  readonly name: 'duckdb' | 'postgres';
  /** The column type of a kind. */
  columnType(kind: ColumnKind): string;
  /** The typed value of a staged text cell. */
  castFromText(expression: string, kind: ColumnKind): string;
  /**
   * True when the staging table holds typed columns (DuckDB: read_json types each value on the
   * way in, see duckdb-ingest-sql.ts); false when it holds text the merge casts (Postgres COPY).
   */
  readonly stagesTyped: boolean;
  /** Statements that (re)create an empty staging table (DuckDB: session-local; Postgres: UNLOGGED, shared by its two connections). */
  createTempTable(table: string, columnsSql: string): string[];
  /** Indexes a final table needs for the merge joins (DuckDB joins by hash and needs none). */
  primaryKeyIndex(table: string, primaryKey: readonly string[]): string[];
  /** Largest exact decimal it stores without rounding. */
  readonly decimalLimits: DecimalLimits;
}

export interface DecimalLimits {
  readonly maxIntegerDigits: number;
  readonly maxScale: number;
}

/** Identifiers always quoted: field names such as `type` and `mode` are keywords. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The name of the (non-unique) index `primaryKeyIndex` creates. */
export const primaryKeyIndexName = (table: string): string => `${table}_pk_idx`;

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * DECIMAL(38,10): DuckDB's widest exact type, with ten places: paise, FX rates, NAVs and units
 * (4-8 places) all fit, and 28 integer digits are beyond any amount. The former (38,6) NULLed a
 * seventh place; a value beyond ten places is still NULLed and said so in _airbyte_meta, never rounded.
 */
export const DUCKDB_DECIMAL = { width: 38, scale: 10 } as const;
/** The 64-bit DECIMAL DuckDB parses text into fast: 18 digits, the same ten places, so 8 integer digits. */
const FAST_DECIMAL = { width: 18, integerDigits: 18 - DUCKDB_DECIMAL.scale } as const;

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  columnType(kind) {
    switch (kind) {
      case 'string':
        return 'VARCHAR';
      case 'timestamptz':
        return 'TIMESTAMPTZ';
      case 'date':
        return 'DATE';
      case 'decimal':
        return `DECIMAL(${DUCKDB_DECIMAL.width},${DUCKDB_DECIMAL.scale})`;
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'boolean':
        return 'BOOLEAN';
      case 'json':
        return 'JSON';
      case 'uuid':
        return 'UUID';
    }
  },
  castFromText(expression, kind) {
    const type = this.columnType(kind);
    if (kind !== 'decimal') return `CAST(${expression} AS ${type})`;
    // DuckDB parses text into a 128-bit DECIMAL ~250x slower than into a 64-bit one (measured:
    // 1.6 s vs 6 ms for 70k values). A value whose integer part (sign included) has at most 8
    // characters fits DECIMAL(18,10) (the typer already refused an 11th place), so it takes the
    // fast path and widens exactly; larger ones take the slow exact cast.
    const integerChars = `coalesce(nullif(strpos(${expression}, '.'), 0) - 1, length(${expression}))`;
    return `CASE WHEN ${integerChars} <= ${FAST_DECIMAL.integerDigits} THEN CAST(CAST(${expression} AS DECIMAL(${FAST_DECIMAL.width},${DUCKDB_DECIMAL.scale})) AS ${type}) ELSE CAST(${expression} AS ${type}) END`;
  },
  stagesTyped: true,
  createTempTable: (table, columnsSql) => [`CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (${columnsSql})`],
  primaryKeyIndex: () => [],
  decimalLimits: { maxIntegerDigits: DUCKDB_DECIMAL.width - DUCKDB_DECIMAL.scale, maxScale: DUCKDB_DECIMAL.scale },
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  castFromText(expression, kind) {
    return `CAST(${expression} AS ${this.columnType(kind)})`;
  },
  columnType(kind) {
    switch (kind) {
      case 'string':
        return 'TEXT';
      case 'timestamptz':
        return 'TIMESTAMPTZ';
      case 'date':
        return 'DATE';
      case 'decimal':
        // Unconstrained NUMERIC is exact at any size: nothing to round.
        return 'NUMERIC';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE PRECISION';
      case 'boolean':
        return 'BOOLEAN';
      case 'json':
        return 'JSONB';
      case 'uuid':
        return 'UUID';
    }
  },
  // The merge casts each staged column, as if text: Postgres's staging has the final types
  // (postgres-copy-staging.ts: COPY parses each value), so the casts are no-ops. Not stagesTyped,
  // so that dedup keeps the window: the anti-join's IS NOT DISTINCT FROM cannot hash in Postgres.
  stagesTyped: false,
  // UNLOGGED: no WAL, like TEMP, but seen by the staging connection and the commit connection
  // (postgres-destination.ts). Dropped first: it may hold a killed load's uncommitted rows.
  createTempTable: (table, columnsSql) => [`DROP TABLE IF EXISTS ${quoteIdent(table)}`, `CREATE UNLOGGED TABLE ${quoteIdent(table)} (${columnsSql})`],
  primaryKeyIndex: (table, primaryKey) =>
    primaryKey.length === 0 ? [] : [`CREATE INDEX IF NOT EXISTS ${quoteIdent(primaryKeyIndexName(table))} ON ${quoteIdent(table)} (${primaryKey.map(quoteIdent).join(', ')})`],
  decimalLimits: { maxIntegerDigits: 131_072, maxScale: 16_383 },
};
