import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { ConfigError } from '../errors/connector-errors.js';
import type { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import { debugEnabled, debugToStderr } from '../protocol/stderr-logger.js';
import { commitInTransaction } from './commit-transaction.js';
import { existingColumns, readSavedStates } from './destination-introspection.js';
import { directMoveSql, writesDirectly } from './duckdb-direct-sql.js';
import { ingestSql, typedRowsSql } from './duckdb-ingest-sql.js';
import { DuckDbJsonStaging, type WrittenFile } from './duckdb-json-staging.js';
import type { LoadDestination, PreparedTable, SqlRunner, SqlStep, StreamMove } from './load-destination.js';
import { DUCKDB_ALLOCATOR_FLUSH_BYTES, formatBytes, memoryBudget, type MemoryBudget } from './memory-budget.js';
import { discardMovedSql, mergeStatements, prepareTableSql } from './load-sql.js';
import { DUCKDB_DECIMAL, duckdbDialect, quoteIdent } from './sql-dialect.js';

/** The catalog name the file is attached under, in this process only (the file keeps no name). */
const ATTACHED_AS = 'finpro';

/**
 * Rows per row group of the tables written here (DuckDB's default: 122,880). Each commit appends
 * into a table's last, partly filled row group, which DuckDB holds uncompressed and compresses
 * again at the checkpoint, so a commit's memory and CPU grow with how full that row group is, i.e.
 * with the table, up to 122,880 rows. Paired 100,000-consent syncs (7 days) peaked at 361 and 365
 * MiB with 8,192 rows against 403 and 417 MiB, with 2-7 s less CPU; 16,384 rows gave 381 MiB; at
 * 20,000 consents (90 days) peaks and time were within noise. The file used 4% more blocks (874
 * against 837 at 20,000 consents) and an aggregate over fi_transactions ran as fast. Row groups
 * an earlier version wrote stay as they are.
 */
const DUCKDB_ROW_GROUP_ROWS = 8192;

/**
 * A DuckDB file as a destination, on one connection: rows staged as JSON text
 * (duckdb-json-staging.ts) are read into TEMP staging tables at a commit, and the commit
 * itself is one SQL transaction (commit-transaction.ts).
 */
export class DuckDbDestination implements LoadDestination {
  readonly dialect = duckdbDialect;
  readonly staging: DuckDbJsonStaging;
  private readonly sql: SqlRunner;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
    /** Scratch directory of the staging files; removed on close and, after a kill, on the next open. */
    private readonly scratch: string,
    private readonly memory: MemoryBudget,
  ) {
    this.staging = new DuckDbJsonStaging(connection, scratch, memory);
    this.sql = {
      run: async (sql, params) => {
        await connection.run(sql, params === undefined ? undefined : ([...params] as DuckDBValue[]));
      },
      rows: (sql) => this.query(sql),
    };
  }

  static async open(path: string, memory: MemoryBudget = memoryBudget()): Promise<DuckDbDestination> {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    // Only one process holds the file's lock, so scratch and spill directories left by a killed load are ours to clear.
    const scratch = path === ':memory:' ? await mkdtemp(join(tmpdir(), 'finpro-duckdb-stage-')) : `${path}.staging`;
    const spill = `${scratch}/spill`;
    let instance: DuckDBInstance | undefined;
    let connection: DuckDBConnection;
    try {
      // Set at creation, before DuckDB sizes anything by its default (80% of RAM, one thread per core).
      // It spills past memory_limit into a directory next to the file, on the same disk as the data.
      instance = await DuckDBInstance.create(':memory:', {
        memory_limit: `${Math.floor(memory.duckdbBytes / 2 ** 20)}MiB`,
        threads: String(memory.duckdbThreads),
        temp_directory: spill,
        allocator_flush_threshold: `${DUCKDB_ALLOCATOR_FLUSH_BYTES / 2 ** 20}MiB`,
        allocator_background_threads: 'true',
        // Keeping insertion order makes INSERT ... SELECT buffer rows to emit them in order; no
        // table here has an order but its columns (dedup goes by _airbyte_seq and the cursor).
        preserve_insertion_order: 'false',
      });
      connection = await instance.connect();
      // The file is attached rather than opened, because the row group size is an ATTACH option
      // (see DUCKDB_ROW_GROUP_ROWS); it is the only database the connection uses.
      await connection.run(`ATTACH '${path.replaceAll("'", "''")}' AS ${quoteIdent(ATTACHED_AS)} (ROW_GROUP_SIZE ${DUCKDB_ROW_GROUP_ROWS})`);
      await connection.run(`USE ${quoteIdent(ATTACHED_AS)}`);
    } catch (error) {
      instance?.closeSync();
      const detail = error instanceof Error ? error.message : String(error);
      // The common case: another sync (or a DuckDB shell) holds the file's write lock.
      throw new ConfigError(`Cannot open the DuckDB file ${path}: ${detail.split('\n')[0]}`, { cause: error });
    }
    // Timestamps without an offset are read as UTC, as in Postgres below: one meaning everywhere.
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(
      'CREATE TABLE IF NOT EXISTS _airbyte_state (stream_name VARCHAR NOT NULL, stream_namespace VARCHAR NOT NULL, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)',
    );
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    return new DuckDbDestination(instance, connection, `duckdb:${path}`, scratch, memory);
  }

  async prepare(tables: readonly PreparedTable[]): Promise<void> {
    const existing = await existingColumns(this.sql);
    const narrow = await this.narrowDecimals();
    for (const { plan } of tables) {
      for (const statement of prepareTableSql(this.dialect, plan, existing.get(plan.table))) await this.connection.run(statement);
      // Tables written before amounts had ten places (DECIMAL(38,6)) are widened, exactly, before a 7th place arrives.
      for (const column of plan.columns) {
        if (column.kind === 'decimal' && narrow.has(`${plan.table}.${column.name}`)) {
          await this.connection.run(`ALTER TABLE ${quoteIdent(plan.table)} ALTER COLUMN ${quoteIdent(column.name)} SET DATA TYPE ${this.dialect.columnType('decimal')}`);
        }
      }
      await this.staging.prepare(plan);
    }
  }

  /** `table.column` of every DECIMAL column with fewer places than ours. */
  private async narrowDecimals(): Promise<Set<string>> {
    const rows = await this.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND data_type LIKE 'DECIMAL%' AND numeric_scale < ${DUCKDB_DECIMAL.scale}`,
    );
    return new Set(rows.map((row) => `${String(row['table_name'])}.${String(row['column_name'])}`));
  }

  /** DuckDB's ART index makes a load slower than its hash-join merge: never upserts. */
  upserts(): boolean {
    return false;
  }

  readStates(): Promise<AirbyteStateMessage[]> {
    return readSavedStates(this.sql);
  }

  async commit(moves: readonly StreamMove[], states: readonly AirbyteStateMessage[]): Promise<void> {
    try {
      await this.commitOnce(moves, states);
      if (debugEnabled()) await this.debugMemory();
    } catch (error) {
      // DuckDB spills what it can; what it cannot (one record's buffers, a hash table's minimum)
      // needs a larger share. Nothing of this commit was kept: the next run starts from the last one.
      if (/Out of Memory Error/i.test(String(error))) {
        throw new ConfigError(
          `DuckDB needed more than its share of the memory budget (${formatBytes(this.memory.duckdbBytes)} of memory_limit ${formatBytes(this.memory.totalBytes)}): ` +
            `raise it, e.g. --to 'duckdb:PATH?memory_limit=${formatBytes(this.memory.totalBytes * 2).replace(' ', '')}'. ${String(error).split('\n')[0]}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async commitOnce(moves: readonly StreamMove[], states: readonly AirbyteStateMessage[]): Promise<void> {
    // Each move's files are taken first, synchronously (see DuckDbJsonStaging.take).
    const taken = moves.map((move) => ({ move, files: this.staging.take(move.plan, move.upToSeq) }));
    const written: WrittenFile[] = [];
    const sql: SqlStep[] = [];
    try {
      for (const { move, files } of taken) {
        written.push(...files);
        if (files.length === 0) continue;
        if (writesDirectly(move)) {
          const { paths, context, longest } = await this.staging.readable(files);
          sql.push(...directMoveSql(move, typedRowsSql(move.plan, paths, context, longest), ingestSql(move.plan, paths, context, longest)));
        } else {
          // Through the TEMP staging table, before the transaction: a line that is not JSON is dropped there (`load`).
          await this.staging.ingest(move.plan, files);
          sql.push(...mergeStatements(this.dialect, move, false), discardMovedSql(move.plan, move.upToSeq));
        }
      }
      await this.inTransaction(() => commitInTransaction(this.sql, sql, states, 'duckdb'));
    } finally {
      // Committed, or never to be: a failed commit fails the load, whose next run reads these rows again.
      await this.staging.remove(written);
    }
  }

  /** Where the process's memory is after a commit (issue 13: what grows with consents): RSS, JS heap, DuckDB's pool by tag. */
  private async debugMemory(): Promise<void> {
    const tags = await this.query('SELECT tag, memory_usage_bytes AS bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY memory_usage_bytes DESC');
    const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
    const { rss, heapUsed } = process.memoryUsage();
    debugToStderr(`duckdb memory: rss ${mib(rss)}, js heap ${mib(heapUsed)}, duckdb ${tags.map((row) => `${String(row['tag'])} ${mib(Number(row['bytes']))}`).join(', ')}`);
  }

  async execute(statements: readonly string[]): Promise<void> {
    for (const statement of statements) await this.connection.run(statement);
  }

  transact(statements: readonly string[]): Promise<void> {
    return this.inTransaction(() => this.execute(statements));
  }

  /** Runs `work` between BEGIN and COMMIT, rolled back if it (or the COMMIT) fails. */
  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await work();
      const committing = Date.now();
      await this.connection.run('COMMIT');
      debugToStderr(`duckdb ${Date.now() - committing} ms: COMMIT`);
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    // Rows left in a staging file or table are dropped with it: they were never committed.
    await this.staging.close();
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.scratch, { recursive: true, force: true });
  }
}
