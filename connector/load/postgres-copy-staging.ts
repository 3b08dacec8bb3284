import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import PQueue from 'p-queue';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { debugToStderr } from '../protocol/stderr-logger.js';
import type { CellStaging } from './load-destination.js';
import { LineBuffer, LineBufferPool } from './line-buffer-pool.js';
import { SEQ_COLUMN, stagingColumnNames, stagingTable } from './load-sql.js';
import type { Cell } from './record-typer.js';
import { postgresDialect, quoteIdent } from './sql-dialect.js';
import { finalColumns, type ColumnPlan, type TablePlan } from './table-mapping.js';

/** Staged rows are sent at this many rows or the budget's staging text (memory-budget.ts), whichever comes first: bounded memory, few round trips. */
const BULK_ROWS = 20_000;

/** Rows of one stream waiting for their COPY, as COPY text format, UTF-8 encoded as they are staged. */
interface StagingBuffer {
  readonly plan: TablePlan;
  /** Per staging cell: whether its text may hold a character COPY must escape (see escapedCells). */
  readonly escaped: readonly boolean[];
  /** Encoded rows not yet sent, each chunk handing its buffer back once its COPY is done. */
  readonly lines: LineBuffer;
  rows: number;
  /** Characters of text staged (the budget counts text, as the DuckDB staging does). */
  chars: number;
}

/** Rows are encoded into buffers of this size (line-buffer-pool.ts), reused once their COPY is done; a longer row gets one of its own. */
const BUFFER_BYTES = 2 ** 18;

/** COPY text format escapes backslash and the three separators; everything else goes as is. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyText = (cell: string) => (COPY_SPECIAL.test(cell) ? cell.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : cell);

/**
 * Which cells of a stream's staging rows may need escaping: text and JSON (a JSON document
 * holds backslashes). The typer let every other kind through only as digits, dates, `true` and
 * the like (record-typer.ts), so its cells go as they are: the test per cell was ~0.65 s of a
 * 20,000-consent sync.
 */
const escapedCells = (plan: TablePlan): readonly boolean[] => finalColumns(plan).map((column) => column.kind === 'string' || column.kind === 'json');

/**
 * Postgres staging: typed cells as COPY text, sent by `COPY ... FROM STDIN` (pg-copy-streams),
 * Postgres's own bulk path: on 113k fi_transactions it replaced json_populate_recordset
 * statements that parsed one JSON parameter per 5,000 rows. (Staging each record's JSON and
 * typing it in SQL was measured too: on 50k fi_transactions the server's jsonb COPY plus the
 * extracting insert took about twice this COPY plus the casting merge, before any check.)
 *
 * COPYs run on their own connection (`pool`, one client), one at a time in call order, into
 * UNLOGGED staging tables that the commit's connection also sees: a commit (its merge and
 * upsert, seconds on a large batch) no longer holds up the next COPY, so the read goes on while
 * the database commits. `flushAll` tells a commit when every row staged before it is stored.
 */
export class PostgresCopyStaging implements CellStaging {
  readonly format = 'cells';
  private readonly buffers = new Map<string, StagingBuffer>();
  private readonly lineBuffers = new LineBufferPool(BUFFER_BYTES);
  /** COPYs, one at a time on the staging connection, in call order. */
  private readonly queue = new PQueue({ concurrency: 1 });
  /** The COPY a full buffer started; the next full buffer waits for it (backpressure). */
  private copying: Promise<void> | undefined;
  private copyFailure: { error: unknown } | undefined;

  constructor(
    /** The staging connection (a pool of one, never closed while idle). */
    private readonly pool: pg.Pool,
    /** Text a stream's buffer may hold before it goes out by COPY (the memory budget's staging share). */
    private readonly bulkChars: number,
    /** Throws when a connection of the destination was lost. */
    private readonly throwIfLost: () => void,
  ) {}

  /**
   * Statements that (re)create the stream's empty staging table. Its columns have the final
   * table's types, so the COPY parses each value (amounts, timestamps, JSON documents) on the
   * staging connection while the read goes on, and the merge in the commit only moves typed
   * rows (its casts are no-ops): measured on 400k records, fi_data's merge went from 11.5 s to
   * 1.9 s (its JSONB parse moved into the COPY). The typer checked every value, so no parse fails.
   */
  prepare(plan: TablePlan, options: { lz4: boolean }): string[] {
    this.buffers.set(plan.table, { plan, escaped: escapedCells(plan), lines: new LineBuffer(this.lineBuffers), rows: 0, chars: 0 });
    const columns = [`${quoteIdent(SEQ_COLUMN)} BIGINT`, ...finalColumns(plan).map((column) => `${quoteIdent(column.name)} ${postgresDialect.columnType(column.kind)}${columnOptions(column, options)}`)];
    return postgresDialect.createTempTable(stagingTable(plan), columns.join(', '));
  }

  stage(plan: TablePlan, seq: number, cells: readonly Cell[]): Promise<void> | undefined {
    const buffer = this.buffers.get(plan.table);
    if (buffer === undefined) throw new Error(`stream ${plan.stream} was not prepared`);
    const escaped = buffer.escaped;
    let line = String(seq);
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      line += cell === null ? '\t\\N' : escaped[i] === true ? `\t${copyText(cell)}` : `\t${cell}`;
    }
    line += '\n';
    // Encoded into the stream's buffers at once: joining a COPY's lines into one string and
    // encoding that flattened a deep tree of concatenated strings (3.9 s of CPU in a 400k-record load).
    buffer.lines.add(line);
    buffer.rows += 1;
    buffer.chars += line.length;
    if (buffer.rows < BULK_ROWS && buffer.chars < this.bulkChars) return undefined;
    const previous = this.copying;
    const copy = this.flush(buffer);
    this.copying = copy;
    // Rejections reach the commit that awaits flushAll; the producer waits only for the earlier COPY.
    copy.catch(() => undefined);
    return previous?.catch(() => undefined);
  }

  /**
   * Queues a COPY of every buffer, now, in call order; resolves once every COPY queued so far
   * is stored (committed on the staging connection), so a commit that awaits it sees every row
   * staged before it. Rejects when any of them failed: a transaction after it would commit a
   * state without its rows.
   */
  async flushAll(): Promise<void> {
    for (const buffer of this.buffers.values()) void this.flush(buffer).catch(() => undefined);
    // A marker behind every queued COPY: the queue runs in order.
    await this.queue.add(() => Promise.resolve());
    this.throwIfFailed();
  }

  /** A COPY that failed: a transaction after it would commit a state without its rows. */
  throwIfFailed(): void {
    if (this.copyFailure !== undefined) throw this.copyFailure.error;
  }

  /** Waits for every queued COPY, whatever its outcome (before closing the connection). */
  async settled(): Promise<void> {
    await this.queue.onIdle();
  }

  /** Queues a COPY of the buffer's rows; the buffer is emptied at once, so rows staged meanwhile wait for the next one. */
  private flush(buffer: StagingBuffer): Promise<void> {
    if (buffer.rows === 0) return Promise.resolve();
    const rows = buffer.rows;
    const encoded = buffer.lines.takeChunks();
    Object.assign(buffer, { rows: 0, chars: 0 });
    return this.queue.add(async () => {
      if (this.copyFailure !== undefined) return;
      const startedAt = Date.now();
      try {
        this.throwIfLost();
        const client = await this.pool.connect();
        try {
          const columns = stagingColumnNames(buffer.plan).map(quoteIdent).join(', ');
          const copy = client.query(copyFrom(`COPY ${quoteIdent(stagingTable(buffer.plan))} (${columns}) FROM STDIN`));
          await pipeline(Readable.from(encoded.map(({ chunk }) => chunk)), copy);
        } finally {
          client.release();
        }
      } catch (error) {
        this.copyFailure ??= { error };
        throw error;
      }
      // Only a COPY that completed has let go of its buffers; a failed one's are left to the GC.
      for (const { release } of encoded) release();
      debugToStderr(`postgres ${Date.now() - startedAt} ms: copied ${rows} rows of ${buffer.plan.stream}`);
    });
  }
}

/**
 * JSON documents (fi_data's account, ~4 KB) are compressed with lz4 where the server has it:
 * TOAST compresses them once, here, and the merge carries the compressed values into the final
 * table as they are. COPY of 10k fi_data documents took 2.1-2.4 s with lz4 against 2.8-4.3 s
 * with the default pglz (stored 6% larger).
 */
function columnOptions(column: ColumnPlan, options: { lz4: boolean }): string {
  return column.kind === 'json' && options.lz4 ? ' COMPRESSION lz4' : '';
}
