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

/** Encoded lines to write, and what hands their buffer back to the pool once the write completes. */
export interface LineChunk {
  chunk: Buffer;
  release: () => void;
}

const keepBuffer = (): void => undefined;

/**
 * Lines of one file (or COPY), encoded as UTF-8 into pool buffers. A buffer that a line may not
 * fit is set aside as full, in order, and a line longer than a buffer becomes a chunk of its own:
 * `takeChunks` hands over everything, `takeFull` only what is full (the writer may go on filling
 * the rest).
 */
export class LineBuffer {
  private buffer: Buffer | undefined;
  private used = 0;
  private full: LineChunk[] = [];

  constructor(private readonly pool: LineBufferPool) {}

  /** Whether full chunks wait to be written (takeFull). */
  get hasFull(): boolean {
    return this.full.length > 0;
  }

  /** Encodes `line` and returns its byte length, which read_json's `maximum_object_size` needs for the longest line. */
  add(line: string): number {
    // A UTF-16 unit is at most 3 UTF-8 bytes: past that bound the line may not fit.
    const most = line.length * 3;
    if (this.buffer !== undefined && this.used + most > this.buffer.length) this.setAside();
    if (most > this.pool.size) {
      const whole = Buffer.from(line);
      this.full.push({ chunk: whole, release: keepBuffer });
      return whole.length;
    }
    const buffer = (this.buffer ??= this.pool.take());
    const bytes = buffer.write(line, this.used);
    this.used += bytes;
    return bytes;
  }

  /** The full chunks, in order; the buffer being filled stays. */
  takeFull(): LineChunk[] {
    const full = this.full;
    this.full = [];
    return full;
  }

  /** Every chunk held, in order, the buffer being filled last. */
  takeChunks(): LineChunk[] {
    this.setAside();
    return this.takeFull();
  }

  private setAside(): void {
    const buffer = this.buffer;
    if (buffer === undefined) return;
    this.buffer = undefined;
    if (this.used === 0) {
      this.pool.give(buffer);
      return;
    }
    this.full.push({ chunk: buffer.subarray(0, this.used), release: () => this.pool.give(buffer) });
    this.used = 0;
  }
}
