import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ConfigError } from '../errors/connector-errors.js';
import { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import { debugToStderr } from '../protocol/stderr-logger.js';
import { chosenStatements, stateStreamName, type CommitStatement, type LoadDestination, type PreparedTable } from './load-destination.js';
import { DEFAULT_MAXIMUM_OBJECT_SIZE, ingestSql, type IngestContext } from './duckdb-ingest-sql.js';
import { DUCKDB_ALLOCATOR_FLUSH_BYTES, formatBytes, memoryBudget, type MemoryBudget } from './memory-budget.js';
import { EXISTING_COLUMNS_SQL, prepareTableSql } from './load-sql.js';
import type { RecordContext } from './record-typer.js';
import { DUCKDB_DECIMAL, duckdbDialect, quoteIdent } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

/** A staging file that is complete: it waits for the next commit's read_json. */
interface WrittenFile {
  readonly out: WriteStream;
  readonly rows: number;
  /** UTF-8 bytes of its longest line (read_json's maximum_object_size). */
  readonly longest: number;
  readonly context: IngestContext;
}

/** Rows of one stream written since the last commit, as JSON lines in files DuckDB's read_json ingests. */
interface StagingFile {
  readonly plan: TablePlan;
  /** The sync id and generation of the rows (the same for every row of a stream in one load). */
  context: IngestContext;
  out: WriteStream;
  rows: number;
  /** UTF-8 bytes of the longest line in `out` (read_json's maximum_object_size). */
  longest: number;
  /** Lines not yet handed to `out`. */
  pending: string;
  /** Lines and text of `out`'s current read_json chunk (2,048 lines): past the budget's chunk size, `out` is cut. */
  chunkRows: number;
  chunkChars: number;
  /** Earlier files of this commit, cut so that no read_json chunk outgrows DuckDB's share. */
  written: WrittenFile[];
}

/** read_json's vector size: it reads a file in chunks of this many lines. */
const READ_JSON_CHUNK_ROWS = 2048;

const WRITE_CHARS = 2 ** 20;

/**
 * A DuckDB file as a destination. Staged rows are written as JSON lines (`{"s":seq,
 * "e":emitted_at,"d":<record data>}`, typed by duckdb-ingest-sql.ts) to a scratch file per stream, and at a checkpoint
 * DuckDB's own bulk JSON reader moves them into a TEMP staging table (in memory; gone if the
 * process dies, which is what makes an uncommitted tail disappear); the checkpoint itself is
 * one SQL transaction. Measured on 113k fi_transactions: the appender cost 1.6 s of the
 * single JS thread (one N-API call per value plus a blocking flush); read_json parses the
 * same rows in DuckDB's threads in ~0.8 s while JS only JSON.stringifies.
 */
export class DuckDbDestination implements LoadDestination {
  readonly dialect = duckdbDialect;
  private readonly files = new Map<string, StagingFile>();
  private fileCount = 0;
  /** Told of records dropped because their data is not JSON (see ingest). */
  onSkipped: (message: string) => void = () => undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
    /** Scratch directory of the staging files; removed on close and, after a kill, on the next open. */
    private readonly scratch: string,
    private readonly memory: MemoryBudget,
  ) {}

  static async open(path: string, memory: MemoryBudget = memoryBudget()): Promise<DuckDbDestination> {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    // Only one process holds the file's lock, so scratch and spill directories left by a killed load are ours to clear.
    const scratch = path === ':memory:' ? await mkdtemp(join(tmpdir(), 'finpro-duckdb-stage-')) : `${path}.staging`;
    const spill = `${scratch}/spill`;
    let instance: DuckDBInstance;
    try {
      // Set at creation, before DuckDB sizes anything by its default (80% of RAM, one thread per core).
      // It spills past memory_limit into a directory next to the file, on the same disk as the data.
      instance = await DuckDBInstance.create(path, {
        memory_limit: `${Math.floor(memory.duckdbBytes / 2 ** 20)}MiB`,
        threads: String(memory.duckdbThreads),
        temp_directory: spill,
        allocator_flush_threshold: `${DUCKDB_ALLOCATOR_FLUSH_BYTES / 2 ** 20}MiB`,
        allocator_background_threads: 'true',
        // Keeping insertion order makes INSERT ... SELECT buffer rows to emit them in order; no
        // table here has an order but its columns (dedup goes by _airbyte_seq and the cursor).
        preserve_insertion_order: 'false',
      });
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
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    return new DuckDbDestination(instance, connection, `duckdb:${path}`, scratch, memory);
  }

  async prepare(tables: readonly PreparedTable[]): Promise<void> {
    const existing = await this.existingColumns();
    const narrow = await this.narrowDecimals();
    for (const { plan } of tables) {
      for (const statement of prepareTableSql(this.dialect, plan, existing.get(plan.table))) await this.connection.run(statement);
      // Tables written before amounts had ten places (DECIMAL(38,6)) are widened, exactly, before a 7th place arrives.
      for (const column of plan.columns) {
        if (column.kind === 'decimal' && narrow.has(`${plan.table}.${column.name}`)) {
          await this.connection.run(`ALTER TABLE ${quoteIdent(plan.table)} ALTER COLUMN ${quoteIdent(column.name)} SET DATA TYPE ${this.dialect.columnType('decimal')}`);
        }
      }
      const previous = this.files.get(plan.table);
      if (previous !== undefined) await this.closeFile(previous);
      this.files.set(plan.table, { plan, context: { syncId: 0, generationId: 0 }, out: this.newFile(plan), rows: 0, longest: 0, pending: '', chunkRows: 0, chunkChars: 0, written: [] });
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

  async readStates(): Promise<AirbyteStateMessage[]> {
    const rows = await this.query('SELECT state FROM _airbyte_state ORDER BY stream_name');
    return rows.map((row) => AirbyteStateMessage.parse(JSON.parse(String(row['state']))));
  }

  readonly rowFormat = 'json';

  stage(): Promise<void> | undefined {
    throw new Error('DuckDbDestination stages records as JSON (stageJson)');
  }

  stageJson(plan: TablePlan, seq: number, dataJson: string, context: RecordContext): Promise<void> | undefined {
    const file = this.files.get(plan.table);
    if (file === undefined) throw new Error(`stream ${plan.stream} was not prepared`);
    file.rows += 1;
    if (file.context.syncId !== context.syncId || file.context.generationId !== context.generationId) file.context = { syncId: context.syncId, generationId: context.generationId };
    // Lines are gathered into ~1 MiB writes: one write per row cost 1.3 s of the JS thread on 120k rows.
    const line = `{"s":${seq},"e":${context.emittedAt},"d":${dataJson}}\n`;
    // A UTF-16 unit is 1-3 UTF-8 bytes: only a line that may be the longest and may outgrow
    // read_json's default object size is measured (ordinary records never are).
    const most = line.length * 3;
    if (most + 1024 > DEFAULT_MAXIMUM_OBJECT_SIZE && most > file.longest) file.longest = Math.max(file.longest, Buffer.byteLength(line));
    file.pending += line;
    if (++file.chunkRows === READ_JSON_CHUNK_ROWS) file.chunkRows = file.chunkChars = 0;
    else if ((file.chunkChars += line.length) > this.memory.duckdbChunkChars) return this.cut(file);
    if (file.pending.length < WRITE_CHARS) return undefined;
    return this.writePending(file);
  }

  private newFile(plan: TablePlan): WriteStream {
    return createWriteStream(join(this.scratch, `${plan.table}-${++this.fileCount}.jsonl`));
  }

  /**
   * Ends the file at a chunk that reached the budget's chunk size (large records: fi_data's
   * documents) and goes on in a new one; the commit reads each file by its own read_json.
   */
  private cut(file: StagingFile): Promise<void> | undefined {
    const written = this.writePending(file);
    file.written.push({ out: file.out, rows: file.rows, longest: file.longest, context: file.context });
    file.out.end();
    file.out = this.newFile(file.plan);
    file.rows = file.longest = file.chunkRows = file.chunkChars = 0;
    return written;
  }

  /** Writes the gathered lines; when the file's buffer is full the producer waits for it to drain (backpressure). */
  private writePending(file: StagingFile): Promise<void> | undefined {
    const out = file.out;
    const text = file.pending;
    file.pending = '';
    if (text === '' || out.write(text)) return undefined;
    // A commit may swap and end this file meanwhile; an ending stream never emits 'drain', only 'close'.
    return new Promise((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }

  /**
   * Moves a stream's written rows into its staging table through read_json. The files are swapped
   * for a fresh one before anything is awaited: records staged meanwhile (the producer goes on
   * while a commit runs) land in the next file, never in one being read.
   */
  private swap(file: StagingFile): (() => Promise<void>)[] {
    if (file.rows > 0) this.cut(file);
    const written = file.written;
    file.written = [];
    return written.map(({ out, rows, longest, context }) => () => this.ingest(file.plan, context, out, rows, longest));
  }

  private async ingest(plan: TablePlan, context: IngestContext, out: WriteStream, rows: number, longest: number): Promise<void> {
    const path = String(out.path);
    if (!out.closed) await once(out, 'close');
    const startedAt = Date.now();
    try {
      await this.connection.run(ingestSql(plan, path, context, longest));
    } catch (error) {
      // Records from stdin (`load`) reach this file unparsed, so a line whose data is not JSON
      // is first seen here. Like any line that is not a protocol message, it is reported and
      // skipped, not fatal: the rare failure path pays for finding it, the hot path does not.
      // The failed INSERT left the staging table as it was (one statement, all or nothing).
      const dropped = /malformed json/i.test(String(error)) ? await dropUnparsableLines(path) : 0;
      if (dropped === 0) throw error;
      this.onSkipped(`load: skipped ${dropped} ${plan.stream} record${dropped === 1 ? '' : 's'} whose data is not valid JSON`);
      await this.connection.run(ingestSql(plan, path, context, longest));
    }
    debugToStderr(`duckdb ${Date.now() - startedAt} ms: read_json ${rows} rows of ${plan.stream}`);
    await rm(path, { force: true });
  }

  private async closeFile(file: StagingFile): Promise<void> {
    if (file.out.closed) return;
    file.out.end();
    await once(file.out, 'close');
  }

  async commit(commitStatements: readonly CommitStatement[], states: readonly AirbyteStateMessage[]): Promise<void> {
    try {
      await this.commitOnce(commitStatements, states);
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

  private async commitOnce(commitStatements: readonly CommitStatement[], states: readonly AirbyteStateMessage[]): Promise<void> {
    // Every file is swapped first, synchronously; then ingested one by one on the one connection.
    const ingests = [...this.files.values()].flatMap((file) => this.swap(file));
    for (const ingest of ingests) await ingest();
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const choice of commitStatements) {
        for (const statement of await chosenStatements(choice, async (sql) => (await this.query(sql))[0]?.['repeats'] !== false)) {
          const startedAt = Date.now();
          await this.connection.run(statement);
          debugToStderr(`duckdb ${Date.now() - startedAt} ms: ${statement.slice(0, 100)}`);
        }
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
    // Rows left in a staging file or table are dropped with it: they were never committed.
    for (const file of this.files.values()) {
      for (const written of file.written) if (!written.out.closed) written.out.end();
      await this.closeFile(file).catch(() => undefined);
    }
    this.files.clear();
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.scratch, { recursive: true, force: true });
  }
}

/** Rewrites a staging file without its lines that are not JSON; returns how many it dropped. */
async function dropUnparsableLines(path: string): Promise<number> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const kept = lines.filter((line) => {
    if (line === '') return false;
    try {
      JSON.parse(line);
      return true;
    } catch {
      return false;
    }
  });
  const dropped = lines.filter((line) => line !== '').length - kept.length;
  if (dropped > 0) await writeFile(path, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  return dropped;
}
