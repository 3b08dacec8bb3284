/**
 * Fixed-size buffers that staging lines are encoded into (DuckDB's staging files, Postgres's
 * COPY text), handed back once the write that took one completes. Gathering lines as a JS string and writing that (`Buffer.from` per 1 MiB
 * of text) cost ~1.1 s of CPU per 156 MB of lines in a micro bench, against ~0.15 s for
 * encoding each line into a reused buffer (`buf.write`): a string concatenated from
 * thousands of lines is flattened, then copied into a fresh allocation every time.
 */
export class LineBufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    /** Bytes of each buffer: a write to the staging file. */
    readonly size: number = 2 ** 20,
    /** Idle buffers kept for reuse; more are left to the GC. */
    private readonly keep: number = 8,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size);
  }

  /** `buffer` is no longer read by anyone (its write completed or failed). */
  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.free.length < this.keep) this.free.push(buffer);
  }
}

/**
 * Lines of one file, encoded as UTF-8 into a pool buffer until it is full. `add` returns the
 * line's byte length, which read_json's `maximum_object_size` needs for the longest line.
 */
export class LineBuffer {
  private buffer: Buffer | undefined;
  private used = 0;

  constructor(private readonly pool: LineBufferPool) {}

  /** Bytes waiting to be written. */
  get bytes(): number {
    return this.used;
  }

  /**
   * Encodes `line` unless it may not fit (a UTF-16 unit is at most 3 UTF-8 bytes): then it
   * returns undefined and the caller writes out what is held (`takeChunk`) and adds it again,
   * or, for a line longer than a buffer, writes `Buffer.from(line)` itself.
   */
  add(line: string): number | undefined {
    const buffer = (this.buffer ??= this.pool.take());
    if (this.used + line.length * 3 > buffer.length) return undefined;
    const bytes = buffer.write(line, this.used);
    this.used += bytes;
    return bytes;
  }

  /**
   * The bytes held, to write, and what to call once the write completes (the buffer goes back
   * to the pool); undefined when nothing is held.
   */
  takeChunk(): { chunk: Buffer; release: () => void } | undefined {
    const buffer = this.buffer;
    if (buffer === undefined || this.used === 0) return undefined;
    const chunk = buffer.subarray(0, this.used);
    this.buffer = undefined;
    this.used = 0;
    return { chunk, release: () => this.pool.give(buffer) };
  }
}
