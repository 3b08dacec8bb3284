import { Kysely, Migrator, PostgresDialect, sql, type ColumnType } from 'kysely';
import pg from 'pg';
import { ConfigError, SystemError } from '../errors/connector-errors.js';
import { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import type { DestinationTarget } from './destination-url.js';
import { stateStreamName, type LoadDestination } from './load-destination.js';
import { EXISTING_COLUMNS_SQL, prepareTableSql, stagingColumnNames, stagingTable } from './load-sql.js';
import { stateMigrations } from './postgres-migrations.js';
import type { Cell } from './record-typer.js';
import { postgresDialect } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

interface StateTable {
  stream_name: string;
  stream_namespace: string;
  /** jsonb: written as JSON text, read back parsed by pg. */
  state: ColumnType<unknown, string, string>;
  updated_at: ColumnType<string, never, string>;
}

interface LoaderDatabase {
  _airbyte_state: StateTable;
}

/** Rows buffered per stream before one bulk INSERT ... SELECT FROM unnest(arrays). */
const BULK_ROWS = 5_000;

/** Column-major buffer: one array per staging column, sent as one array parameter each. */
interface StagingBuffer {
  readonly plan: TablePlan;
  seqs: string[];
  columns: Cell[][];
}

/**
 * Postgres through Kysely + pg. One connection (pool of 1), because staging tables are
 * TEMP: private to the session and gone with it, so rows past the last checkpoint vanish if
 * the process dies. Rows travel in bulk as array parameters unnested server-side (one
 * statement per 5,000 rows, no per-row round trips, no extra dependency for COPY).
 */
export class PostgresDestination implements LoadDestination {
  readonly dialect = postgresDialect;
  private readonly buffers = new Map<string, StagingBuffer>();
  private bufferedRows = 0;

  private constructor(
    private readonly db: Kysely<LoaderDatabase>,
    readonly description: string,
  ) {}

  static async open(target: Extract<DestinationTarget, { kind: 'postgres' }>): Promise<PostgresDestination> {
    // Dates and timestamps come back as the text Postgres prints, like DuckDB's, never as a local-time JS Date.
    const asText = new Set([1082, 1114, 1184]);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: 1,
      options: `-c search_path=${target.schema} -c TimeZone=UTC`,
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (asText.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
    });
    const db = new Kysely<LoaderDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(target.schema)}`.execute(db);
    } catch (error) {
      await db.destroy();
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Cannot connect to ${target.description}: ${detail}`, { cause: error });
    }
    const migrator = new Migrator({ db, provider: stateMigrations, migrationTableSchema: target.schema });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) {
      await db.destroy();
      throw new SystemError(`Cannot create the _airbyte_state table in ${target.description}.`, { cause: error });
    }
    return new PostgresDestination(db, target.description);
  }

  async prepare(plans: readonly TablePlan[]): Promise<void> {
    const existing = new Map<string, Set<string>>();
    const { rows } = await sql.raw<{ table_name: string; column_name: string }>(EXISTING_COLUMNS_SQL).execute(this.db);
    for (const row of rows) {
      let columns = existing.get(row.table_name);
      if (columns === undefined) existing.set(row.table_name, (columns = new Set()));
      columns.add(row.column_name);
    }
    for (const plan of plans) {
      await this.execute(prepareTableSql(this.dialect, plan, existing.get(plan.table)));
      this.buffers.set(plan.table, { plan, seqs: [], columns: stagingColumnNames(plan).slice(1).map(() => []) });
    }
  }

  async readStates(): Promise<AirbyteStateMessage[]> {
    const rows = await this.db.selectFrom('_airbyte_state').select('state').orderBy('stream_name').execute();
    return rows.map((row) => AirbyteStateMessage.parse(row.state));
  }

  stage(plan: TablePlan, seq: number, cells: readonly Cell[]): Promise<void> | undefined {
    const buffer = this.buffers.get(plan.table);
    if (buffer === undefined) throw new Error(`stream ${plan.stream} was not prepared`);
    buffer.seqs.push(String(seq));
    cells.forEach((cell, i) => buffer.columns[i]!.push(cell));
    this.bufferedRows += 1;
    return buffer.seqs.length >= BULK_ROWS ? this.writeBuffer(buffer) : undefined;
  }

  private async writeBuffer(buffer: StagingBuffer): Promise<void> {
    if (buffer.seqs.length === 0) return;
    const { seqs, columns } = buffer;
    buffer.seqs = [];
    buffer.columns = columns.map(() => []);
    this.bufferedRows -= seqs.length;
    const names = stagingColumnNames(buffer.plan);
    const arrays = [sql`${seqs}::bigint[]`, ...columns.map((values) => sql`${values}::text[]`)];
    await sql`INSERT INTO ${sql.id(stagingTable(buffer.plan))} (${sql.join(names.map((name) => sql.id(name)))}) SELECT * FROM unnest(${sql.join(arrays)})`.execute(this.db);
  }

  async commit(statements: readonly string[], states: readonly AirbyteStateMessage[]): Promise<void> {
    for (const buffer of this.buffers.values()) await this.writeBuffer(buffer);
    await this.db.transaction().execute(async (trx) => {
      for (const statement of statements) await sql.raw(statement).execute(trx);
      for (const state of states) {
        const row = { stream_name: stateStreamName(state), stream_namespace: state.stream?.stream_descriptor.namespace ?? '', state: JSON.stringify(state) };
        await trx
          .insertInto('_airbyte_state')
          .values(row)
          .onConflict((conflict) => conflict.columns(['stream_name', 'stream_namespace']).doUpdateSet({ state: row.state, updated_at: sql<string>`now()` }))
          .execute();
      }
    });
  }

  async execute(statements: readonly string[]): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(this.db);
  }

  async query(text: string): Promise<Record<string, unknown>[]> {
    const { rows } = await sql.raw<Record<string, unknown>>(text).execute(this.db);
    return rows;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

