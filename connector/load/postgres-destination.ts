import { CompiledQuery, Kysely, Migrator, sql, type ColumnType } from 'kysely';
import PQueue from 'p-queue';
import pg from 'pg';
import { ConfigError, SystemError } from '../errors/connector-errors.js';
import type { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import { debugToStderr } from '../protocol/stderr-logger.js';
import type { DestinationTarget } from './destination-url.js';
import { commitInTransaction, throughStaging } from './commit-transaction.js';
import { existingColumns, readSavedStates } from './destination-introspection.js';
import type { LoadDestination, PreparedTable, SqlRunner, StreamMove } from './load-destination.js';
import { discardMovedLockedSql, dropUniqueKeySql, prepareTableSql, stagingTable, uniqueKeySql } from './load-sql.js';
import { PostgresCopyStaging } from './postgres-copy-staging.js';
import { SchemaPostgresDialect } from './postgres-schema-introspector.js';
import { stateMigrations } from './postgres-migrations.js';
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

/**
 * Set when a connection dies while idle (server restart, pg_terminate_backend). The pool would
 * quietly open a new one, without the schema lock, so nothing may run after it.
 */
interface ConnectionHealth {
  lost?: { error: unknown };
}

/**
 * Postgres through Kysely + pg, on two connections (pools of 1, never closed while idle): one
 * for the schema lock, the DDL and the commits (one serial queue, in call order), one for the
 * COPYs that stage rows (postgres-copy-staging.ts). Staging tables are UNLOGGED tables of the
 * schema, so both connections see them: a commit runs while the next rows are COPYed, and the
 * read does not wait for it. Rows past the last checkpoint are never in a final table; a
 * process that dies leaves them in staging, which the next load of the schema (the one writer,
 * under the schema lock) drops and recreates before it stages anything, and a clean close drops.
 */
export class PostgresDestination implements LoadDestination {
  readonly dialect = postgresDialect;
  readonly staging: PostgresCopyStaging;
  /** append_dedup tables with a unique key index: merged by one INSERT ... ON CONFLICT. */
  private readonly upsertTables = new Set<string>();
  /** One operation at a time on the commit connection; a failure surfaces to whoever awaits it, and the next one still runs. */
  private readonly queue = new PQueue({ concurrency: 1 });
  /** Staging tables this load created: dropped at close. */
  private readonly stagingTables = new Set<string>();
  /**
   * Upsert tables empty when prepared (the load's start) whose commits have not yet met a stored
   * key: a commit's rows that share no key are tried as a plain INSERT, about half the server
   * time of the upsert (378k fi_transactions: 3.5-4.2 s vs 6.3-7.0 s). The first commit whose
   * rows meet a stored key fails on the unique index, and runs again with the table upserted
   * from then on (commit).
   */
  private readonly insertsPlainly = new Set<string>();

  private constructor(
    private readonly db: Kysely<LoaderDatabase>,
    /** The staging connection's pool, ended at close. */
    private readonly copyPool: pg.Pool,
    readonly description: string,
    private readonly connection: ConnectionHealth,
    /** Text a stream's buffer may hold before it goes out by COPY (the memory budget's staging share). */
    bulkChars: number,
    /** Whose advisory lock this connection holds. */
    private readonly schema: string,
  ) {
    this.staging = new PostgresCopyStaging(copyPool, bulkChars, () => this.throwIfLost());
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    return this.queue.add(() => {
      this.throwIfLost();
      return operation();
    });
  }

  static async open(target: Extract<DestinationTarget, { kind: 'postgres' }>): Promise<PostgresDestination> {
    const connection: ConnectionHealth = {};
    const pool = connectionPool(target, connection);
    const copyPool = connectionPool(target, connection);
    const db = new Kysely<LoaderDatabase>({ dialect: new SchemaPostgresDialect({ pool }, target.schema) });
    // A failed open leaves nothing behind: both connections go (the lock, if taken, with them).
    const abandon = async (): Promise<void> => {
      await db.destroy();
      await copyPool.end();
    };
    try {
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(target.schema)}`.execute(db);
    } catch (error) {
      await abandon();
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Cannot connect to ${target.description}: ${detail}`, { cause: error });
    }
    // One writer per schema, as DuckDB's file lock gives one writer per file: two syncs into
    // one schema would both plan and schedule the same consents and store their rows twice.
    // A session-level advisory lock lives as long as this process's one connection.
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(hashtext('source-finpro'), hashtext(${target.schema})) AS locked`.execute(db);
    if (rows[0]?.locked !== true) {
      await abandon();
      throw new ConfigError(`Another sync or load is writing to ${target.description} (it holds the schema's lock); wait for it to end or use another schema.`);
    }
    const migrator = new Migrator({ db, provider: stateMigrations, migrationTableSchema: target.schema });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) {
      await abandon();
      throw new SystemError(`Cannot create the _airbyte_state table in ${target.description}.`, { cause: error });
    }
    return new PostgresDestination(db, copyPool, target.description, connection, target.memory.stagingChars, target.schema);
  }

  async prepare(tables: readonly PreparedTable[]): Promise<void> {
    const existing = await existingColumns(runner(this.db));
    // Servers built without lz4 (or before 14) list no such value: their documents keep pglz.
    const [compression] = await this.query("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'");
    const lz4 = compression?.['lz4'] === true;
    for (const { plan, mode } of tables) {
      await this.execute(prepareTableSql(this.dialect, plan, existing.get(plan.table), { keyIndex: false, staging: false }));
      this.stagingTables.add(stagingTable(plan));
      await this.execute(this.staging.prepare(plan, { lz4 }));
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
    this.insertsPlainly.delete(plan.table);
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
      // Under the schema lock nobody else writes it: empty now, it holds only this load's rows.
      const [row] = await this.query(`SELECT NOT EXISTS (SELECT 1 FROM ${quoteIdent(plan.table)}) AS empty`);
      if (row?.['empty'] === true) this.insertsPlainly.add(plan.table);
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

  readStates(): Promise<AirbyteStateMessage[]> {
    this.throwIfLost();
    return readSavedStates(runner(this.db));
  }

  commit(moves: readonly StreamMove[], states: readonly AirbyteStateMessage[]): Promise<void> {
    // Buffers are queued now, in call order, so the transaction sees every row staged before it.
    const stored = this.staging.flushAll();
    stored.catch(() => undefined);
    return this.enqueue(async () => {
      // A lost COPY would commit a state without its rows: no transaction after one failed.
      await stored;
      // Each move's staged rows are dropped last, where the lock on its staging table (see
      // discardMovedLockedSql) holds the next COPY back only for the end of the transaction.
      const discards = moves.flatMap((move) => discardMovedLockedSql(move.plan, move.upToSeq));
      for (;;) {
        const steps = [...throughStaging(moves, this.dialect, (table) => ({ upsert: this.upserts(table), insertPlainly: this.insertsPlainly.has(table) })), ...discards];
        try {
          await this.db.transaction().execute((trx) => commitInTransaction(runner(trx), steps, states, 'postgres'));
          return;
        } catch (error) {
          // Rolled back whole, staging included: the same commit again, those tables upserted.
          const tables = plainInsertConflicts(error, moves, this.insertsPlainly);
          if (tables.length === 0) throw error;
          for (const table of tables) this.insertsPlainly.delete(table);
          debugToStderr(`postgres: a row of ${tables.join(', ')} met a stored key; committing again with upserts`);
        }
      }
    });
  }

  private throwIfLost(): void {
    if (this.connection.lost !== undefined) throw this.connection.lost.error;
  }

  async execute(statements: readonly string[]): Promise<void> {
    this.throwIfLost();
    await runEach(this.db, statements);
  }

  transact(statements: readonly string[]): Promise<void> {
    this.throwIfLost();
    return this.enqueue(() => this.db.transaction().execute((trx) => runEach(trx, statements)));
  }

  async query(text: string): Promise<Record<string, unknown>[]> {
    this.throwIfLost();
    const { rows } = await sql.raw<Record<string, unknown>>(text).execute(this.db);
    return rows;
  }

  async close(): Promise<void> {
    await this.staging.settled();
    await this.queue.onIdle();
    if (this.connection.lost === undefined) {
      // What is left in staging was never committed: it goes, as TEMP tables went with the session.
      for (const table of this.stagingTables) await sql.raw(`DROP TABLE IF EXISTS ${quoteIdent(table)}`).execute(this.db).catch(() => undefined);
      // Closing the connection frees the lock only once the server's backend has exited, which
      // can be after the next open() asks for it: release it first, so a reopen finds it free.
      await sql`SELECT pg_advisory_unlock(hashtext('source-finpro'), hashtext(${this.schema}))`.execute(this.db).catch(() => undefined);
    }
    await this.db.destroy();
    await this.copyPool.end();
  }
}

/**
 * The tables to upsert from now on when a plain insert met a stored key (23505 unique_violation
 * on a key index) and failed a commit: the one the server names, or, from a server that names
 * none, every table the commit inserted plainly. Empty when the error is something else.
 */
export function plainInsertConflicts(error: unknown, moves: readonly StreamMove[], insertsPlainly: ReadonlySet<string>): string[] {
  const { code, table } = error as { code?: unknown; table?: unknown };
  if (code !== '23505') return [];
  const plain = moves.map((move) => move.plan.table).filter((name) => insertsPlainly.has(name));
  if (typeof table !== 'string' || table === '') return plain;
  return plain.includes(table) ? [table] : [];
}

/**
 * One connection (a pool of 1, never closed while idle: the commit connection holds the schema
 * lock), in UTC, on the schema. A lost idle connection is recorded in `health`.
 */
function connectionPool(target: Extract<DestinationTarget, { kind: 'postgres' }>, health: ConnectionHealth): pg.Pool {
  // Dates and timestamps come back as the text Postgres prints, like DuckDB's, never as a local-time JS Date.
  const asText = new Set([1082, 1114, 1184]);
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 1,
    idleTimeoutMillis: 0,
    options: `-c search_path=${target.schema} -c TimeZone=UTC`,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (asText.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // Without a listener, the pool's 'error' on an idle connection would crash the process.
  pool.on('error', (error) => {
    health.lost ??= { error };
    debugToStderr(`postgres: the connection was lost: ${error.message}`);
  });
  return pool;
}

/** Runs SQL through Kysely (a transaction or the connection), for the pieces both databases share. */
/** Each statement on its own, in order, on `db`: the connection, or a transaction. */
async function runEach(db: Kysely<LoaderDatabase>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

function runner(db: Kysely<LoaderDatabase>): SqlRunner {
  return {
    run: async (text, params) => {
      await db.executeQuery(CompiledQuery.raw(text, params === undefined ? [] : [...params]));
    },
    rows: async (text) => (await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text))).rows,
  };
}
