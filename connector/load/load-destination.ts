import type { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import type { Cell, RecordContext } from './record-typer.js';
import type { LoadMode } from './load-sql.js';
import type { SqlDialect } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

/**
 * A statement of a commit, or a choice made in the transaction: `when` is a query of one
 * boolean row (load-sql's keyRepeatsSql) deciding between `then` and `otherwise`. Rows staged
 * as JSON text have keys JS never saw: the database says whether they repeat one.
 */
export type CommitStatement = string | { readonly when: string; readonly then: readonly string[]; readonly otherwise: readonly string[] };

/** The statements to run for `statement`, asking the database through `ask` when it is a choice. */
export async function chosenStatements(statement: CommitStatement, ask: (sql: string) => Promise<boolean>): Promise<readonly string[]> {
  if (typeof statement === 'string') return [statement];
  return (await ask(statement.when)) ? statement.then : statement.otherwise;
}

/** A table to prepare, and how its stream is loaded (a destination may index for it). */
export interface PreparedTable {
  readonly plan: TablePlan;
  readonly mode: LoadMode;
}

/**
 * What the loader needs from a database. The SQL itself comes from load-sql.ts; a destination
 * only runs it, moves staged rows in bulk, and stores states in `_airbyte_state`.
 */
export interface LoadDestination {
  readonly dialect: SqlDialect;
  /** For messages: `duckdb:./finpro.duckdb`, `postgres://user@host/db` (never a password). */
  readonly description: string;
  /** Creates or evolves the final tables and the state table; creates empty staging tables. */
  prepare(tables: readonly PreparedTable[]): Promise<void>;
  /** True when `mergeSql` may upsert into this table with ON CONFLICT on its primary key (a unique index exists). */
  upserts(table: string): boolean;
  /** The states saved by earlier loads, as the STATE messages they came in. */
  readStates(): Promise<AirbyteStateMessage[]>;
  /**
   * How rows reach the staging table: `cells`, typed by record-typer.ts in JS (`stage`), or
   * `json`, the record's data JSON text typed by the database on the way in (`stageJson`).
   */
  readonly rowFormat: 'cells' | 'json';
  /** Told when staged records are dropped as unreadable (rowFormat `json`: data that is not JSON). */
  onSkipped?: (message: string) => void;
  /** Adds one row to a stream's staging table; returns a promise while a bulk write runs (backpressure). */
  stage(plan: TablePlan, seq: number, cells: readonly Cell[]): Promise<void> | undefined;
  /** As `stage`, for rowFormat `json`: the record's data as JSON text (one line). */
  stageJson(plan: TablePlan, seq: number, dataJson: string, context: RecordContext): Promise<void> | undefined;
  /** Writes staged rows out, then runs `statements` and saves `states` in ONE transaction. */
  commit(statements: readonly CommitStatement[], states: readonly AirbyteStateMessage[]): Promise<void>;
  /** Statements outside a load transaction (views). */
  execute(statements: readonly string[]): Promise<void>;
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
