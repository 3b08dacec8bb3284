import { AIRBYTE_COLUMNS, type TablePlan } from './table-mapping.js';
import type { Cell } from './record-typer.js';

/**
 * The primary keys of one stream's staged, uncommitted rows, hashed once per row, answering at
 * each commit of the rows up to a sequence number whether two of them share a key. If not, the
 * commit skips the dedup pass (a window over every staged row, the costliest statement of a
 * merge: ~60% of DuckDB's merge time on 113k fi_transactions), and into a table that held no rows
 * when the load began Postgres may insert them plainly (postgres-destination.ts).
 * It is conservative: a key JS cannot compare exactly as the database does (a non-text column,
 * a NULL part) and a hash collision count as repeats, so a skipped pass is always a safe one.
 *
 * Keys are 64-bit hashes in an open-addressing table of typed arrays, with the sequence number
 * of the key's latest row: no object per key (a Map of key strings, or a Set of hash numbers, was
 * ~1 s of a 400k-row load, most of it GC). A commit forgets the keys it covered, so the table
 * holds only what the commit policy lets wait (maxPendingRows). Keeping every key of the load
 * instead, to know which rows were new to it, held 24 MiB for fi_transactions alone at 100,000
 * consents: the commit learns that from the unique index now.
 */
export class StagedKeys {
  private readonly table = new KeyTable();
  /**
   * Rows whose key was staged before, as pairs (seq, seq of the key's previous row), ascending,
   * not yet committed; a NULL key part pairs the row with itself (a repeat in any commit).
   */
  private readonly repeats: number[] = [];
  /** Rows up to here were committed. */
  private committedSeq = 0;

  /**
   * `keyCells`: where a staging row's key parts are (record-typer's stagingCells); undefined
   * when the stream has nothing to dedup, null when a part is not text JS compares as the database does.
   */
  private constructor(private readonly keyCells: readonly number[] | null | undefined) {}

  /** Keys held: those of rows not yet committed. */
  get heldKeys(): number {
    return this.table.size;
  }

  /** A tracker for the rows of a stream loaded in `mode`; only de-duplicated streams have keys to track. */
  static of(plan: TablePlan, deduplicated: boolean): StagedKeys {
    return new StagedKeys(deduplicated ? keyCellsOf(plan) : undefined);
  }

  /** Records one staged row (its staging cells), in sequence order. */
  add(seq: number, cells: readonly Cell[]): void {
    const keyCells = this.keyCells;
    if (keyCells === undefined || keyCells === null) return;
    // Two 32-bit hashes (FNV-1a and a multiplicative one), each cell followed by its length so
    // that cell boundaries count: ("ab","c") and ("a","bc") differ.
    let a = 0x811c9dc5 | 0;
    let b = 0x9747b28c | 0;
    for (let k = 0; k < keyCells.length; k++) {
      const text = cells[keyCells[k]!];
      if (text === null || text === undefined) {
        // Not comparable: the unique index lets NULLs repeat, the dedup window does not.
        this.repeats.push(seq, seq);
        return;
      }
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b + c, 0x5bd1e995);
      }
      a = Math.imul(a ^ text.length, 0x01000193);
      b = Math.imul((b ^ (b >>> 15)) + text.length, 0x5bd1e995);
    }
    const previous = this.table.put(a >>> 0, ((b ^ (b >>> 13)) | 1) >>> 0, seq);
    if (previous !== 0) this.repeats.push(seq, previous);
  }

  /**
   * The rows up to `upToSeq` are committed now (called at each commit of the stream, in commit
   * order, even one that moves no row): whether two of them share a key. Their keys are forgotten.
   */
  commit(upToSeq: number): { repeatsKey: boolean } {
    if (this.keyCells === undefined) return { repeatsKey: false };
    if (this.keyCells === null) return { repeatsKey: true };
    let covered = 0;
    let repeatsKey = false;
    while (covered < this.repeats.length && this.repeats[covered]! <= upToSeq) {
      // A repeat of a row this commit also moves; one of a row committed before is the database's to settle.
      if (this.repeats[covered + 1]! > this.committedSeq) repeatsKey = true;
      covered += 2;
    }
    this.repeats.splice(0, covered);
    this.committedSeq = Math.max(this.committedSeq, upToSeq);
    this.table.forgetUpTo(upToSeq);
    return { repeatsKey };
  }
}

/** Each plan's key cells (see the constructor), found once per stream. */
function keyCellsOf(plan: TablePlan): readonly number[] | null | undefined {
  if (plan.primaryKey.length === 0) return undefined;
  const cells: number[] = [];
  for (const field of plan.primaryKey) {
    const index = plan.columns.findIndex((column) => column.name === field);
    // Only text compares in JS as in the database (a timestamp or number has many spellings of one value).
    if (index < 0 || plan.columns[index]!.kind !== 'string') return null;
    cells.push(AIRBYTE_COLUMNS.length + index);
  }
  return cells;
}

/** Sequence numbers are kept as uint32; past this (4 billion rows in one load) every row counts as a repeat. */
const MAX_SEQ = 0xffff_ffff;

const MIN_SLOTS = 1 << 16;

/** 64-bit hashes (two uint32 halves, `high` odd, so never the empty 0) with the latest sequence number of each, linear probing. */
export class KeyTable {
  private low = new Uint32Array(MIN_SLOTS);
  private high = new Uint32Array(MIN_SLOTS);
  private seqs = new Uint32Array(MIN_SLOTS);
  size = 0;

  /** Stores the key with `seq`; returns the sequence number it had before, 0 when it is new. */
  put(low: number, high: number, seq: number): number {
    // Past MAX_SEQ the stored numbers would wrap: report a repeat of the row itself.
    if (seq > MAX_SEQ) return seq;
    if (this.size * 2 >= this.low.length) this.rebuild(this.low.length * 2, () => true);
    const mask = this.low.length - 1;
    let slot = (low ^ high) & mask;
    for (;;) {
      const stored = this.high[slot]!;
      if (stored === 0) {
        this.low[slot] = low;
        this.high[slot] = high;
        this.seqs[slot] = seq;
        this.size += 1;
        return 0;
      }
      if (stored === high && this.low[slot] === low) {
        const previous = this.seqs[slot]!;
        this.seqs[slot] = seq;
        return previous;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Drops the keys whose latest row is at or below `seq`; the table shrinks to what is left. */
  forgetUpTo(seq: number): void {
    if (this.size === 0) return;
    let left = 0;
    for (let slot = 0; slot < this.high.length; slot++) if (this.high[slot] !== 0 && this.seqs[slot]! > seq) left += 1;
    let slots = MIN_SLOTS;
    while (left * 2 >= slots) slots *= 2;
    this.rebuild(slots, (kept) => kept > seq);
  }

  private rebuild(slots: number, keep: (seq: number) => boolean): void {
    const [oldLow, oldHigh, oldSeqs] = [this.low, this.high, this.seqs];
    this.low = new Uint32Array(slots);
    this.high = new Uint32Array(slots);
    this.seqs = new Uint32Array(slots);
    this.size = 0;
    const mask = slots - 1;
    for (let old = 0; old < oldHigh.length; old++) {
      const high = oldHigh[old]!;
      if (high === 0 || !keep(oldSeqs[old]!)) continue;
      let slot = (oldLow[old]! ^ high) & mask;
      while (this.high[slot] !== 0) slot = (slot + 1) & mask;
      this.low[slot] = oldLow[old]!;
      this.high[slot] = high;
      this.seqs[slot] = oldSeqs[old]!;
      this.size += 1;
    }
  }
}
