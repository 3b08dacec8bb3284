import { availableParallelism } from 'node:os';
import { ConfigError } from '../errors/connector-errors.js';

/**
 * How much memory one `sync` or `load` may use, and how it is shared. Left alone, DuckDB takes
 * up to 80% of the machine's RAM and the loader's buffers grow with the commit size, so a
 * 20,000-consent sync into DuckDB peaked at 2.1 GB on a 24 GB machine while `read` alone stays
 * near 150 MB. The budget is the whole process's (read + loader + an in-process DuckDB); the
 * shares below are fixed fractions of it, so one number is all a user sets.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 400 * 1e6;
/** Below this the read alone (~100 MiB at 1,000 consents, ~145 MiB at 100,000) does not fit beside a database. */
export const MIN_MEMORY_BUDGET_BYTES = 256 * 1e6;

export interface MemoryBudget {
  /** The whole process's budget, as the user gave it (or the default). */
  readonly totalBytes: number;
  /** DuckDB's `memory_limit`: its buffer pool; past it, DuckDB spills to `temp_directory`. */
  readonly duckdbBytes: number;
  /** DuckDB's worker threads: each holds its own buffers, so a small pool gets fewer. */
  readonly duckdbThreads: number;
  /**
   * Staged JSON text read_json may get in one chunk of 2,048 lines (its vector size) per thread: a
   * DuckDB staging file is cut where a chunk would pass it (see duckdb-destination.ts).
   */
  readonly duckdbChunkChars: number;
  /** Staged text the loader may hold in JS per stream before it must be written out (Postgres COPY buffers, DuckDB scratch-file writes). */
  readonly stagingChars: number;
  /** Uncommitted rows after which pending checkpoints are committed anyway: bounds the staged-key sets and the staging tables. */
  readonly maxPendingRows: number;
}

const MIB = 2 ** 20;
/** DuckDB's guidance is at least ~125 MB per thread for loads with joins; fewer threads spill less. */
const DUCKDB_BYTES_PER_THREAD = 125 * 1e6;
/** DuckDB hands memory back to the system after a task that peaked above this (its default, 128 MB, is most of a small pool). */
export const DUCKDB_ALLOCATOR_FLUSH_BYTES = 16 * 2 ** 20;

/**
 * DuckDB's bundled jemalloc (its allocator, configured by DUCKDB_JE_MALLOC_CONF) gives each
 * thread that calls it an arena of its own, and each arena keeps the pages its thread freed for a
 * while. The binding runs queries on libuv's pool of 4 threads, so a commit's transient buffers
 * stayed in up to 4 arenas at once. With one arena, paired 20,000-consent syncs (90 days) peaked
 * at 346-362 MiB against 383-423 MiB, CPU within noise. Handing pages back at once as well
 * (dirty_decay_ms:0,muzzy_decay_ms:0) took ~50 MiB more but cost ~1.5 s of CPU (8 pairs).
 * Neither lowers the 100,000-consent peak (7 days: ~400-418 MiB), which is DuckDB's pool in use.
 */
export const DUCKDB_ALLOCATOR_CONF = 'narenas:1';

/**
 * DuckDB holds one read_json chunk (up to 2,048 lines) several times over: the parsed struct, the
 * typed projection, the JSON text of the documents. Measured with a 114 MiB pool and one thread,
 * the typed ingest of fi_data lines (~20-27 KB each, fewer than 2,048 per file) passed at 12 MB
 * and ran out of memory at 25 MB, and the first commit of a 5,000-consent year of data (37 MB of
 * fi_data) failed the load bench with the default budget. A tenth of the pool per thread.
 */
const DUCKDB_CHUNK_COPIES = 10;

/**
 * The shares of a budget: DuckDB's pool gets 30%, the loader's buffers a small fixed part, and
 * the rest is the JS heap of read + loader (~160 MB at 100,000 consents) and what DuckDB holds
 * outside its pool (its code, allocator caches, ~150 MB more at 100,000 consents). A
 * 100,000-consent sync into DuckDB with the default 400 MB peaked at 574 MiB RSS with 40%,
 * 484-497 MiB with 30%, 441 MiB with 20% (single runs on a shared machine); but with 20% (80 MB)
 * the demo's year of data for 1,000 consents ran DuckDB out of memory in a commit, so 30%. Tried
 * again with staging files cut per read_json chunk: 20% took 30-34 MiB off the peak at 100,000
 * consents, and the load bench's `load` of a captured read ran out of memory in a commit.
 */
export function memoryBudget(totalBytes: number = DEFAULT_MEMORY_BUDGET_BYTES, cores: number = availableParallelism()): MemoryBudget {
  const duckdbBytes = Math.floor(totalBytes * 0.3);
  const duckdbThreads = Math.max(1, Math.min(cores, Math.floor(duckdbBytes / DUCKDB_BYTES_PER_THREAD)));
  return {
    totalBytes,
    duckdbBytes,
    duckdbThreads,
    duckdbChunkChars: Math.floor(duckdbBytes / (DUCKDB_CHUNK_COPIES * duckdbThreads)),
    stagingChars: Math.max(MIB, Math.min(8 * MIB, Math.floor(totalBytes / 128))),
    // ~3.2 KB per row: the row's share of a staging table, of which fi_data's raw documents (~6 KB)
    // are the largest, and its key in Postgres's key tracker (staged-keys.ts: 24 bytes a key at most).
    maxPendingRows: Math.max(10_000, Math.min(250_000, Math.floor(totalBytes / 3200))),
  };
}

const UNITS: Record<string, number> = { '': 1e6, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: MIB, gib: 2 ** 30 };

/** `memory_limit` of a destination URL: `512MB`, `1.5GB`, `800MiB`; a bare number is MB. */
export function parseMemoryLimit(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = UNITS[unit];
  if (match === null || factor === undefined) {
    throw new ConfigError(`--to: memory_limit "${text}" is not a size; use e.g. memory_limit=512MB, 1GB or 800MiB.`);
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < MIN_MEMORY_BUDGET_BYTES) {
    throw new ConfigError(`--to: memory_limit "${text}" is below the ${MIN_MEMORY_BUDGET_BYTES / 1e6} MB a sync needs (the read alone uses up to ~150 MB).`);
  }
  return bytes;
}

/** For messages: `400 MB`. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2).replace(/\.?0+$/, '')} GB` : `${Math.round(bytes / 1e6)} MB`;
}
