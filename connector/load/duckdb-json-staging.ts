import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { debugToStderr } from '../protocol/stderr-logger.js';
import { ingestSql, type IngestContext } from './duckdb-ingest-sql.js';
import { LineBuffer, LineBufferPool, type LineChunk } from './line-buffer-pool.js';
import type { JsonStaging } from './load-destination.js';
import type { MemoryBudget } from './memory-budget.js';
import type { RecordContext } from './record-typer.js';
import type { TablePlan } from './table-mapping.js';

/** A staging file that is complete: it waits for the commit that takes it (see take). */
export interface WrittenFile {
  readonly out: WriteStream;
  readonly rows: number;
  /** Highest sequence number of its rows: a commit up to a STATE takes the files at or below it. */
  readonly lastSeq: number;
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
  lastSeq: number;
  /** A STATE covered every row of `out`: the next row starts a new file (see seal). */
  sealed: boolean;
  /** UTF-8 bytes of the longest line in `out` (read_json's maximum_object_size). */
  longest: number;
  /** Lines not yet handed to `out`. */
  readonly lines: LineBuffer;
  /** Lines and text of `out`'s current read_json chunk (2,048 lines): past the budget's chunk size, `out` is cut. */
  chunkRows: number;
  chunkChars: number;
  /** Earlier files, cut at a STATE or so that no read_json chunk outgrows DuckDB's share. */
  written: WrittenFile[];
}

/** read_json's vector size: it reads a file in chunks of this many lines. */
const READ_JSON_CHUNK_ROWS = 2048;

/**
 * DuckDB's staging: rows are written as JSON lines (`{"s":seq,"e":emitted_at,"d":<record data>}`,
 * typed by duckdb-ingest-sql.ts) to scratch files per stream, cut at every STATE, so a commit
 * takes the whole files its STATE covers: DuckDB's own bulk JSON reader moves them straight into
 * the final table where the mode allows (duckdb-direct-sql.ts), else into the stream's TEMP
 * staging table first. The files after the last STATE wait for the next commit; the process
 * dying drops them (the next open clears the directory), which makes an uncommitted tail disappear. Measured on 113k fi_transactions: the appender
 * cost 1.6 s of the single JS thread (one N-API call per value plus a blocking flush); read_json
 * parses the same rows in DuckDB's threads in ~0.8 s while JS only JSON.stringifies.
 */
export class DuckDbJsonStaging implements JsonStaging {
  readonly format = 'json';
  /** Told of records dropped because their data is not JSON (see ingest). */
  onSkipped: (message: string) => void = () => undefined;
  private readonly files = new Map<string, StagingFile>();
  private fileCount = 0;
  /** Lines are written ~1 MiB at a time: one write per row cost 1.3 s of the JS thread on 120k rows. */
  private readonly buffers = new LineBufferPool();

  constructor(
    private readonly connection: DuckDBConnection,
    /** Scratch directory of the staging files (the destination clears it on open and close). */
    private readonly scratch: string,
    private readonly memory: MemoryBudget,
  ) {}

  /** A fresh staging file for the stream; one left from an earlier prepare is dropped. */
  async prepare(plan: TablePlan): Promise<void> {
    const previous = this.files.get(plan.table);
    if (previous !== undefined) await closeFile(previous);
    this.files.set(plan.table, { plan, context: { syncId: 0, generationId: 0 }, out: this.newFile(plan), rows: 0, lastSeq: 0, sealed: false, longest: 0, lines: new LineBuffer(this.buffers), chunkRows: 0, chunkChars: 0, written: [] });
  }

  seal(plan: TablePlan): void {
    const file = this.files.get(plan.table);
    if (file !== undefined) file.sealed = true;
  }

  stage(plan: TablePlan, seq: number, dataJson: string, context: RecordContext): Promise<void> | undefined {
    const file = this.files.get(plan.table);
    if (file === undefined) throw new Error(`stream ${plan.stream} was not prepared`);
    // Cut lazily, at the first row after a STATE: a burst of STATEs with no rows between them makes no empty files.
    const sealedWrite = file.sealed && file.rows > 0 ? this.cut(file) : undefined;
    file.sealed = false;
    const write = this.stageLine(file, seq, dataJson, context);
    return both(sealedWrite, write);
  }

  private stageLine(file: StagingFile, seq: number, dataJson: string, context: RecordContext): Promise<void> | undefined {
    file.rows += 1;
    file.lastSeq = seq;
    if (file.context.syncId !== context.syncId || file.context.generationId !== context.generationId) file.context = { syncId: context.syncId, generationId: context.generationId };
    const line = `{"s":${seq},"e":${context.emittedAt},"d":${dataJson}}\n`;
    const bytes = file.lines.add(line);
    const write = file.lines.hasFull ? writeChunks(file.out, file.lines.takeFull()) : undefined;
    if (bytes > file.longest) file.longest = bytes;
    if (++file.chunkRows === READ_JSON_CHUNK_ROWS) file.chunkRows = file.chunkChars = 0;
    else if ((file.chunkChars += line.length) > this.memory.duckdbChunkChars) return both(write, this.cut(file));
    return write;
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
    file.written.push({ out: file.out, rows: file.rows, lastSeq: file.lastSeq, longest: file.longest, context: file.context });
    file.out.end();
    file.out = this.newFile(file.plan);
    file.rows = file.longest = file.chunkRows = file.chunkChars = 0;
    return written;
  }

  /** Writes the gathered lines (see writeChunk). */
  private writePending(file: StagingFile): Promise<void> | undefined {
    return writeChunks(file.out, file.lines.takeChunks());
  }

  /**
   * Takes the stream's files whose rows are all at or below `upToSeq` (a commit's share: files
   * are cut at every STATE, so none holds rows on both sides). Synchronous, before anything is
   * awaited: records staged meanwhile (the producer goes on while a commit runs) land in later
   * files, never in one being read. The caller reads them (ready, ingest) and removes them.
   */
  take(plan: TablePlan, upToSeq: number): WrittenFile[] {
    const file = this.files.get(plan.table);
    if (file === undefined) return [];
    // Written out by the cut; the reader waits for each file to close, not for this write.
    if (file.rows > 0 && file.lastSeq <= upToSeq) void this.cut(file);
    const taken = file.written.filter((written) => written.lastSeq <= upToSeq);
    file.written = file.written.filter((written) => written.lastSeq > upToSeq);
    return taken;
  }

  /**
   * What read_json needs to read a stream's `files` (at least one): their paths once each is
   * closed (every line on disk), their context (one per stream and load: the loader's sync id
   * and the stream's generation) and their longest line.
   */
  async readable(files: readonly WrittenFile[]): Promise<{ paths: string[]; context: IngestContext; longest: number }> {
    const paths: string[] = [];
    for (const { out } of files) paths.push(await closedPath(out));
    return { paths, context: files[0]!.context, longest: Math.max(...files.map((file) => file.longest)) };
  }

  /**
   * Moves the files' rows into the stream's TEMP staging table in one read_json (each file keeps
   * its chunks within DuckDB's share, see cut; a read_json per file cost `load` one per STATE),
   * and removes them.
   */
  async ingest(plan: TablePlan, files: readonly WrittenFile[]): Promise<void> {
    if (files.length === 0) return;
    const { paths, context, longest } = await this.readable(files);
    const startedAt = Date.now();
    try {
      await this.connection.run(ingestSql(plan, paths, context, longest));
    } catch (error) {
      // Records from stdin (`load`) reach these files unparsed, so a line whose data is not JSON
      // is first seen here. Like any line that is not a protocol message, it is reported and
      // skipped, not fatal: the rare failure path pays for finding it, the hot path does not.
      // The failed INSERT left the staging table as it was (one statement, all or nothing).
      let dropped = 0;
      if (/malformed json/i.test(String(error))) for (const path of paths) dropped += await dropUnparsableLines(path);
      if (dropped === 0) throw error;
      this.onSkipped(`load: skipped ${dropped} ${plan.stream} record${dropped === 1 ? '' : 's'} whose data is not valid JSON`);
      await this.connection.run(ingestSql(plan, paths, context, longest));
    }
    debugToStderr(`duckdb ${Date.now() - startedAt} ms: read_json ${files.reduce((sum, file) => sum + file.rows, 0)} rows of ${plan.stream} in ${files.length} files`);
    for (const path of paths) await rm(path, { force: true });
  }

  /** Removes files whose rows a commit wrote (or that a failed commit leaves to the next load). */
  async remove(files: readonly WrittenFile[]): Promise<void> {
    for (const { out } of files) {
      if (!out.closed) out.end();
      await rm(String(out.path), { force: true });
    }
  }

  /** Rows left in a staging file are dropped with it: they were never committed. */
  async close(): Promise<void> {
    for (const file of this.files.values()) {
      for (const written of file.written) if (!written.out.closed) written.out.end();
      await closeFile(file).catch(() => undefined);
    }
    this.files.clear();
  }
}

/** Writes `chunk`; when the file's buffer is full the producer waits for it to drain (backpressure). */
function writeChunk(out: WriteStream, chunk: Buffer, written?: () => void): Promise<void> | undefined {
  if (out.write(chunk, written)) return undefined;
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

/** Writes `chunks` in order; the promise of the last write that met backpressure, if any. */
function writeChunks(out: WriteStream, chunks: readonly LineChunk[]): Promise<void> | undefined {
  let waits: Promise<void> | undefined;
  for (const { chunk, release } of chunks) waits = both(waits, writeChunk(out, chunk, release));
  return waits;
}

function both(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}

async function closedPath(out: WriteStream): Promise<string> {
  if (!out.closed) await once(out, 'close');
  return String(out.path);
}

async function closeFile(file: StagingFile): Promise<void> {
  if (file.out.closed) return;
  file.out.end();
  await once(file.out, 'close');
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
