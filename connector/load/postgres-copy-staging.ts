import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { debugToStderr } from '../protocol/stderr-logger.js';
import type { CellStaging } from './load-destination.js';
import { stagingColumnNames, stagingTable } from './load-sql.js';
import type { Cell } from './record-typer.js';
import { quoteIdent } from './sql-dialect.js';
import type { TablePlan } from './table-mapping.js';

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

/** Runs database work one operation at a time, in call order (the destination's one connection). */
export type SerialRun = <T>(operation: () => Promise<T>) => Promise<T>;

/**
 * Postgres staging: typed cells as COPY text, sent by `COPY ... FROM STDIN` (pg-copy-streams),
 * Postgres's own bulk path: on 113k fi_transactions it replaced json_populate_recordset
 * statements that parsed one JSON parameter per 5,000 rows. A COPY goes through the
 * destination's serial queue, so a commit queued after it sees its rows, and the loader goes on
 * buffering the next rows meanwhile.
 */
export class PostgresCopyStaging implements CellStaging {
  readonly format = 'cells';
  private readonly buffers = new Map<string, StagingBuffer>();
  /** The COPY a full buffer started; the next full buffer waits for it (backpressure). */
  private copying: Promise<void> | undefined;
  private copyFailure: { error: unknown } | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly serial: SerialRun,
    /** Text a stream's buffer may hold before it goes out by COPY (the memory budget's staging share). */
    private readonly bulkChars: number,
  ) {}

  prepare(plan: TablePlan): void {
    this.buffers.set(plan.table, { plan, lines: [], chars: 0 });
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

  /** Queues a COPY of every buffer, now, in call order: a commit queued next sees every row staged before it. */
  flushAll(): void {
    for (const buffer of this.buffers.values()) void this.flush(buffer).catch(() => undefined);
  }

  /** A COPY that failed: a transaction after it would commit a state without its rows. */
  throwIfFailed(): void {
    if (this.copyFailure !== undefined) throw this.copyFailure.error;
  }

  /** Queues a COPY of the buffer's rows; the buffer is emptied at once, so rows staged meanwhile wait for the next one. */
  private flush(buffer: StagingBuffer): Promise<void> {
    if (buffer.lines.length === 0) return Promise.resolve();
    const lines = buffer.lines;
    buffer.lines = [];
    buffer.chars = 0;
    return this.serial(async () => {
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
