import { Kysely, Migrator, PostgresDialect, sql, type ColumnType } from 'kysely';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConfigError, SystemError } from '../errors/connector-errors.js';
import { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import { debugToStderr } from '../protocol/stderr-logger.js';
import type { DestinationTarget } from './destination-url.js';
import { chosenStatements, stateStreamName, type CommitStatement, type LoadDestination, type PreparedTable } from './load-destination.js';
import { dropUniqueKeySql, EXISTING_COLUMNS_SQL, prepareTableSql, stagingColumnNames, stagingTable, uniqueKeySql } from './load-sql.js';
import { stateMigrations } from './postgres-migrations.js';
import type { Cell } from './record-typer.js';
import { postgresDialect, primaryKeyIndexName, quoteIdent } from './sql-dialect.js';
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

/** Staged rows are sent at this many rows or the budget's staging text (memory-budget.ts), whichever comes first: bounded memory, few round trips. */
const BULK_ROWS = 20_000;

/** Rows of one stream waiting for their COPY, as lines of COPY text format. */
interface StagingBuffer {
  readonly plan: TablePlan;
  lines: string[];
  chars: number;
}

/** COPY text format escapes backslash and the three separators; everything else goes as is. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyText = (cell: string) => (COPY_SPECIAL.test(cell) ? cell.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : cell);

/**
 * Set when the one connection dies while idle (server restart, pg_terminate_backend). The
 * pool would quietly open a new one, without the TEMP staging rows or the schema lock, so
 * nothing may run after it.
 */
interface ConnectionHealth {
  lost?: { error: unknown };
}

/**
 * Postgres through Kysely + pg, on ONE connection (pool of 1, never closed while idle),
 * because staging tables are TEMP: private to the session and gone with it, so rows past the
 * last checkpoint vanish if the process dies. Rows travel by `COPY ... FROM STDIN` (text
 * format, pg-copy-streams), Postgres's own bulk path: on 113k fi_transactions it replaced
 * json_populate_recordset statements that parsed one JSON parameter per 5,000 rows. Every
 * database operation (a COPY, a commit) goes through one queue in call order, so a commit
 * runs while the loader goes on buffering the next rows.
 */
export class PostgresDestination implements LoadDestination {
  readonly dialect = postgresDialect;
  private readonly buffers = new Map<string, StagingBuffer>();
  /** append_dedup tables with a unique key index: merged by one INSERT ... ON CONFLICT. */
  private readonly upsertTables = new Set<string>();
  /** The last queued database operation; failures surface to whoever awaits them. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The COPY a full buffer started; the next full buffer waits for it (backpressure). */
  private copying: Promise<void> | undefined;
  private copyFailure: { error: unknown } | undefined;

  private constructor(
    private readonly db: Kysely<LoaderDatabase>,
    private readonly pool: pg.Pool,
    readonly description: string,
    private readonly connection: ConnectionHealth,
    /** Text a stream's buffer may hold before it goes out by COPY (the memory budget's staging share). */
    private readonly bulkChars: number,
    /** Whose advisory lock this connection holds. */
    private readonly schema: string,
  ) {}

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const guarded = () => {
      this.throwIfLost();
      return operation();
    };
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  static async open(target: Extract<DestinationTarget, { kind: 'postgres' }>): Promise<PostgresDestination> {
    // Dates and timestamps come back as the text Postgres prints, like DuckDB's, never as a local-time JS Date.
    const asText = new Set([1082, 1114, 1184]);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: 1,
      // The TEMP staging tables live as long as this connection: it must not be closed while idle.
      idleTimeoutMillis: 0,
      options: `-c search_path=${target.schema} -c TimeZone=UTC`,
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (asText.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
    });
    // Without a listener, the pool's 'error' on an idle connection would crash the process.
    const connection: ConnectionHealth = {};
    pool.on('error', (error) => {
      connection.lost ??= { error };
      debugToStderr(`postgres: the connection was lost: ${error.message}`);
    });
    const db = new Kysely<LoaderDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(target.schema)}`.execute(db);
    } catch (error) {
      await db.destroy();
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Cannot connect to ${target.description}: ${detail}`, { cause: error });
    }
    // One writer per schema, as DuckDB's file lock gives one writer per file: two syncs into
    // one schema would both plan and schedule the same consents and store their rows twice.
    // A session-level advisory lock lives as long as this process's one connection.
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(hashtext('source-finpro'), hashtext(${target.schema})) AS locked`.execute(db);
    if (rows[0]?.locked !== true) {
      await db.destroy();
      throw new ConfigError(`Another sync or load is writing to ${target.description} (it holds the schema's lock); wait for it to end or use another schema.`);
    }
    const migrator = new Migrator({ db, provider: stateMigrations, migrationTableSchema: target.schema });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) {
      await db.destroy();
      throw new SystemError(`Cannot create the _airbyte_state table in ${target.description}.`, { cause: error });
    }
    return new PostgresDestination(db, pool, target.description, connection, target.memory.stagingChars, target.schema);
  }

  async prepare(tables: readonly PreparedTable[]): Promise<void> {
    const existing = new Map<string, Set<string>>();
    const { rows } = await sql.raw<{ table_name: string; column_name: string }>(EXISTING_COLUMNS_SQL).execute(this.db);
    for (const row of rows) {
      let columns = existing.get(row.table_name);
      if (columns === undefined) existing.set(row.table_name, (columns = new Set()));
      columns.add(row.column_name);
    }
    for (const { plan, mode } of tables) {
      await this.execute(prepareTableSql(this.dialect, plan, existing.get(plan.table), { keyIndex: false }));
      this.buffers.set(plan.table, { plan, lines: [], chars: 0 });
      await this.prepareUpsert(plan, mode);
    }
  }

  /**
   * The merge of an append_dedup table is one INSERT ... ON CONFLICT, measured ~3x faster than
   * delete + insert through a dedup table (113k fi_transactions: 5.4 s of merge SQL). It needs a
   * unique index on the primary key; a table an earlier append load left with repeated keys
   * cannot have one, and keeps the delete + insert merge (same result, slower).
   */
  private async prepareUpsert(plan: TablePlan, mode: PreparedTable['mode']): Promise<void> {
    this.upsertTables.delete(plan.table);
    if (plan.primaryKey.length === 0) return;
    // Either index serves the merge's key lookups; keeping both would double every row's index writes.
    const keyIndex = this.dialect.primaryKeyIndex(plan.table, plan.primaryKey);
    if (mode !== 'append_dedup') {
      await this.execute([dropUniqueKeySql(plan), ...keyIndex]);
      return;
    }
    try {
      await this.execute([uniqueKeySql(plan)]);
      this.upsertTables.add(plan.table);
      await this.execute([`DROP INDEX IF EXISTS ${quoteIdent(primaryKeyIndexName(plan.table))}`]);
    } catch (error) {
      // 23505 unique_violation: repeated keys already stored. Anything else is a real failure.
      if ((error as { code?: string }).code !== '23505') throw error;
      debugToStderr(`postgres: ${plan.table} holds repeated keys; merging without ON CONFLICT`);
      await this.execute(keyIndex);
    }
  }

  upserts(table: string): boolean {
    return this.upsertTables.has(table);
  }

  async readStates(): Promise<AirbyteStateMessage[]> {
    const rows = await this.db.selectFrom('_airbyte_state').select('state').orderBy('stream_name').execute();
    return rows.map((row) => AirbyteStateMessage.parse(row.state));
  }

  readonly rowFormat = 'cells';

  stageJson(): Promise<void> | undefined {
    throw new Error('PostgresDestination stages typed cells (stage)');
  }

  stage(plan: TablePlan, seq: number, cells: readonly Cell[]): Promise<void> | undefined {
    const buffer = this.buffers.get(plan.table);
    if (buffer === undefined) throw new Error(`stream ${plan.stream} was not prepared`);
    let line = String(seq);
    for (const cell of cells) line += cell === null ? '\t\\N' : `\t${copyText(cell)}`;
    buffer.lines.push(line);
    buffer.chars += line.length;
    if (buffer.lines.length < BULK_ROWS && buffer.chars < this.bulkChars) return undefined;
    const previous = this.copying;
    const copy = this.flush(buffer);
    this.copying = copy;
    // Rejections reach the commit that awaits the queue; the producer waits only for the earlier COPY.
    copy.catch(() => undefined);
    return previous?.catch(() => undefined);
  }

  /** Queues a COPY of the buffer's rows; the buffer is emptied at once, so rows staged meanwhile wait for the next one. */
  private flush(buffer: StagingBuffer): Promise<void> {
    if (buffer.lines.length === 0) return Promise.resolve();
    const lines = buffer.lines;
    buffer.lines = [];
    buffer.chars = 0;
    return this.enqueue(async () => {
      const startedAt = Date.now();
      const client = await this.pool.connect();
      try {
        if (this.copyFailure !== undefined) return;
        const columns = stagingColumnNames(buffer.plan).map(quoteIdent).join(', ');
        const copy = client.query(copyFrom(`COPY ${quoteIdent(stagingTable(buffer.plan))} (${columns}) FROM STDIN`));
        await pipeline(Readable.from(chunks(lines)), copy);
      } catch (error) {
        this.copyFailure ??= { error };
        throw error;
      } finally {
        client.release();
      }
      debugToStderr(`postgres ${Date.now() - startedAt} ms: copied ${lines.length} rows of ${buffer.plan.stream}`);
    });
  }

  commit(statements: readonly CommitStatement[], states: readonly AirbyteStateMessage[]): Promise<void> {
    // Buffers are emptied now, in call order, so the transaction sees every row staged before it.
    for (const buffer of this.buffers.values()) void this.flush(buffer).catch(() => undefined);
    return this.enqueue(async () => {
      // A lost COPY would commit a state without its rows: no transaction after one failed.
      if (this.copyFailure !== undefined) throw this.copyFailure.error;
      await this.transaction(statements, states);
    });
  }

  private async transaction(commitStatements: readonly CommitStatement[], states: readonly AirbyteStateMessage[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const ask = async (query: string) => (await sql.raw<{ repeats: boolean }>(query).execute(trx)).rows[0]?.repeats !== false;
      for (const choice of commitStatements) {
        for (const statement of await chosenStatements(choice, ask)) {
          const startedAt = Date.now();
          await sql.raw(statement).execute(trx);
          debugToStderr(`postgres ${Date.now() - startedAt} ms: ${statement.slice(0, 100)}`);
        }
      }
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

  private throwIfLost(): void {
    if (this.connection.lost !== undefined) throw this.connection.lost.error;
  }

  async execute(statements: readonly string[]): Promise<void> {
    this.throwIfLost();
    for (const statement of statements) await sql.raw(statement).execute(this.db);
  }

  async query(text: string): Promise<Record<string, unknown>[]> {
    this.throwIfLost();
    const { rows } = await sql.raw<Record<string, unknown>>(text).execute(this.db);
    return rows;
  }

  async close(): Promise<void> {
    // Closing the connection frees the lock only once the server's backend has exited, which
    // can be after the next open() asks for it: release it first, so a reopen finds it free.
    if (this.connection.lost === undefined) {
      await sql`SELECT pg_advisory_unlock(hashtext('source-finpro'), hashtext(${this.schema}))`.execute(this.db).catch(() => undefined);
    }
    await this.db.destroy();
  }
}

/** COPY text in chunks of ~1 MiB: few writes, no single huge string. */
function* chunks(lines: readonly string[]): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= 2 ** 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
