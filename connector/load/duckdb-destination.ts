import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { ConfigError } from '../errors/connector-errors.js';
import { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import { debugToStderr } from '../protocol/stderr-logger.js';
import { stateStreamName, type LoadDestination } from './load-destination.js';
import { EXISTING_COLUMNS_SQL, prepareTableSql, stagingTable } from './load-sql.js';
import type { Cell } from './record-typer.js';
import { duckdbDialect } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

/**
 * A DuckDB file as a destination. Rows go through DuckDB's appender into TEMP staging tables
 * (in memory, spilled by DuckDB when large; gone if the process dies, which is what makes an
 * uncommitted tail disappear), and a checkpoint is one SQL transaction.
 */
export class DuckDbDestination implements LoadDestination {
  readonly dialect = duckdbDialect;
  private readonly appenders = new Map<string, DuckDBAppender>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
  ) {}

  static async open(path: string): Promise<DuckDbDestination> {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      // The common case: another sync (or a DuckDB shell) holds the file's write lock.
      throw new ConfigError(`Cannot open the DuckDB file ${path}: ${detail.split('\n')[0]}`, { cause: error });
    }
    const connection = await instance.connect();
    // Timestamps without an offset are read as UTC, as in Postgres below: one meaning everywhere.
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(
      'CREATE TABLE IF NOT EXISTS _airbyte_state (stream_name VARCHAR NOT NULL, stream_namespace VARCHAR NOT NULL, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)',
    );
    return new DuckDbDestination(instance, connection, `duckdb:${path}`);
  }

  async prepare(plans: readonly TablePlan[]): Promise<void> {
    const existing = await this.existingColumns();
    for (const plan of plans) {
      for (const statement of prepareTableSql(this.dialect, plan, existing.get(plan.table))) await this.connection.run(statement);
      this.appenders.get(plan.table)?.closeSync();
      this.appenders.set(plan.table, await this.connection.createAppender(stagingTable(plan), null, 'temp'));
    }
  }

  private async existingColumns(): Promise<Map<string, Set<string>>> {
    const tables = new Map<string, Set<string>>();
    for (const row of await this.query(EXISTING_COLUMNS_SQL)) {
      const table = String(row['table_name']);
      let columns = tables.get(table);
      if (columns === undefined) tables.set(table, (columns = new Set()));
      columns.add(String(row['column_name']));
    }
    return tables;
  }

  async readStates(): Promise<AirbyteStateMessage[]> {
    const rows = await this.query('SELECT state FROM _airbyte_state ORDER BY stream_name');
    return rows.map((row) => AirbyteStateMessage.parse(JSON.parse(String(row['state']))));
  }

  stage(plan: TablePlan, seq: number, cells: readonly Cell[]): undefined {
    const appender = this.appenders.get(plan.table);
    if (appender === undefined) throw new Error(`stream ${plan.stream} was not prepared`);
    appender.appendBigInt(BigInt(seq));
    for (const cell of cells) {
      if (cell === null) appender.appendNull();
      else appender.appendVarchar(cell);
    }
    appender.endRow();
    return undefined;
  }

  async commit(statements: readonly string[], states: readonly AirbyteStateMessage[]): Promise<void> {
    for (const appender of this.appenders.values()) appender.flushSync();
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of statements) {
        const startedAt = Date.now();
        await this.connection.run(statement);
        debugToStderr(`duckdb ${Date.now() - startedAt} ms: ${statement.slice(0, 100)}`);
      }
      for (const state of states) {
        const stream = stateStreamName(state);
        const namespace = state.stream?.stream_descriptor.namespace ?? '';
        await this.connection.run('DELETE FROM _airbyte_state WHERE stream_name = $1 AND stream_namespace = $2', [stream, namespace]);
        await this.connection.run('INSERT INTO _airbyte_state VALUES ($1, $2, $3, now())', [stream, namespace, JSON.stringify(state)]);
      }
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async execute(statements: readonly string[]): Promise<void> {
    for (const statement of statements) await this.connection.run(statement);
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    for (const appender of this.appenders.values()) {
      try {
        appender.closeSync();
      } catch {
        // Rows left in a staging table are dropped with it: they were never committed.
      }
    }
    this.appenders.clear();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
