import type { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import type { Cell, RecordContext } from './record-typer.js';
import type { LoadMode } from './load-sql.js';
import type { SqlDialect } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

/**
 * A stream's staged rows up to `upToSeq` (its latest STATE, or everything staged for an
 * overwrite swapped in), to move into its final table. The commit carries the plan rather than
 * ready SQL so that a destination may write the rows once, straight from its staging into the
 * final table (DuckDB: from read_json, see duckdb-direct-sql.ts), where the mode allows;
 * load-sql's mergeStatements gives the SQL through the staging table that every destination can run.
 */
export interface StreamMove {
  readonly plan: TablePlan;
  readonly mode: LoadMode;
  readonly upToSeq: number;
  /**
   * Whether those rows repeat a primary key (staged-keys.ts); undefined when JS did not look
   * (rows staged as JSON text: the database checks, see duckdb-direct-sql.ts).
   */
  readonly repeatsKey: boolean | undefined;
  /**
   * Some of those rows are the source's own text, never parsed (`load` hands stdin's lines on):
   * whether each is JSON is not known yet, so they go through the staging table, where a line
   * that is not is dropped before the transaction (duckdb-json-staging.ts ingest).
   */
  readonly rawLines: boolean;
}

/**
 * A step of a commit's transaction, as a destination turns its moves into SQL: a statement, or
 * a choice made in the transaction (see SqlChoice).
 */
export type SqlStep = string | SqlChoice;

/**
 * `when` is a query of one boolean row `answer` deciding between `then` and `otherwise`
 * (load-sql's keyRepeatsSql: rows staged as JSON text have keys JS never saw, the database says
 * whether they repeat one; discardMovedLockedSql: whether staging holds rows past the commit).
 */
export interface SqlChoice {
  readonly when: string;
  readonly then: readonly string[];
  readonly otherwise: readonly string[];
}

/** A way to run SQL, given by each destination (its own driver), for the pieces both share. */
export interface SqlRunner {
  /** Runs one statement; `$1`-style parameters in both databases. */
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Rows of a query. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

/** A table to prepare, and how its stream is loaded (a destination may index for it). */
export interface PreparedTable {
  readonly plan: TablePlan;
  readonly mode: LoadMode;
}

/**
 * Rows typed in JS by record-typer.ts (`stagingCells`) and staged as cells (Postgres: COPY text).
 * `stage` returns a promise while a bulk write runs (backpressure).
 */
export interface CellStaging {
  readonly format: 'cells';
  stage(plan: TablePlan, seq: number, cells: readonly Cell[]): Promise<void> | undefined;
}

/**
 * Rows staged as the record's data JSON text (one line), typed by the database on the way in
 * (DuckDB: duckdb-ingest-sql.ts). `load` hands over stdin's text unparsed, so data that is not
 * JSON is first seen by the database: such records are dropped and reported to `onSkipped`.
 */
export interface JsonStaging {
  readonly format: 'json';
  stage(plan: TablePlan, seq: number, dataJson: string, context: RecordContext): Promise<void> | undefined;
  /**
   * The rows staged so far are covered by a STATE (or swapped in): the next row starts a new
   * staging file, so that a commit takes whole files and never a file that holds rows past its STATE.
   */
  seal(plan: TablePlan): void;
  onSkipped: (message: string) => void;
}

/** How a database takes rows in: one format each, so neither implements (and throws on) the other. */
export type StagingPort = CellStaging | JsonStaging;

/**
 * What the loader needs from a database. The SQL itself comes from load-sql.ts; a destination
 * only runs it, moves staged rows in bulk (`staging`), and stores states in `_airbyte_state`
 * (commit-transaction.ts, in the same transaction as the rows).
 */
export interface LoadDestination {
  readonly dialect: SqlDialect;
  /** For messages: `duckdb:./finpro.duckdb`, `postgres://user@host/db` (never a password). */
  readonly description: string;
  readonly staging: StagingPort;
  /** Creates or evolves the final tables and the state table; creates empty staging tables. */
  prepare(tables: readonly PreparedTable[]): Promise<void>;
  /** True when `mergeSql` may upsert into this table with ON CONFLICT on its primary key (a unique index exists). */
  upserts(table: string): boolean;
  /** The states saved by earlier loads, as the STATE messages they came in. */
  readStates(): Promise<AirbyteStateMessage[]>;
  /** Writes staged rows out, then moves each stream's rows (`moves`, which the destination turns into SQL) and saves `states`, in ONE transaction. */
  commit(moves: readonly StreamMove[], states: readonly AirbyteStateMessage[]): Promise<void>;
  /** Statements outside a load transaction, each on its own (tables, views). */
  execute(statements: readonly string[]): Promise<void>;
  /** Statements in one transaction of their own, outside a load (the purge's deletes). */
  transact(statements: readonly string[]): Promise<void>;
  /** Rows of a query, values as JSON-safe strings, numbers and booleans (decimals stay strings). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The `_airbyte_state` key of a STATE message: its stream (we read and write STREAM state only). */
export function stateStreamName(state: AirbyteStateMessage): string {
  const name = state.stream?.stream_descriptor.name;
  if (name === undefined) throw new Error('only STREAM state can be saved');
  return name;
}
