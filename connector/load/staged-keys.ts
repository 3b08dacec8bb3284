import { AIRBYTE_COLUMNS, type TablePlan } from './table-mapping.js';
import type { Cell } from './record-typer.js';

/**
 * Which checkpoints repeat a primary key among their own staged rows. A checkpoint that does
 * not can skip the dedup pass (a window over every staged row, the costliest statement of a
 * merge: ~60% of DuckDB's merge time on 113k fi_transactions) and upsert its rows as they are.
 * Detection is conservative: any key JS cannot compare exactly as the database does (a
 * non-text column, a NULL part) counts as a repeat, so a skipped pass is always a safe one.
 */
export class StagedKeys {
  /**
   * Keys of the rows staged and not yet committed, each with the seal count when it was last
   * added: below `seals`, the row is sealed by a STATE. One map, so a STATE costs O(1): copying
   * the open keys into a sealed set at each of ~240 STATEs was 1 s of a 400k-record load.
   */
  private readonly keys = new Map<string, number>();
  private seals = 0;
  private openRepeats = false;
  private sealedRepeats = false;
  private sealedSeq = 0;

  /** Records one staged row; `key` undefined means the stream has no primary key (nothing to dedup), null that it cannot be compared. */
  add(key: string | null | undefined): void {
    if (key === undefined) return;
    if (key === null) {
      this.openRepeats = true;
      return;
    }
    if (this.keys.has(key)) this.openRepeats = true;
    this.keys.set(key, this.seals);
  }

  /** A STATE covers every row staged so far. */
  seal(seq: number): void {
    this.sealedRepeats ||= this.openRepeats;
    this.openRepeats = false;
    this.sealedSeq = seq;
    this.seals += 1;
  }

  /** Whether the staged rows up to `seq` (the last seal, or everything staged) repeat a key. */
  repeatsUpTo(seq: number): boolean {
    return seq > this.sealedSeq ? this.sealedRepeats || this.openRepeats : this.sealedRepeats;
  }

  /** The rows up to `seq` were committed: forget them (once per commit, so a pass over the keys is fine). */
  committedUpTo(seq: number): void {
    this.sealedRepeats = false;
    if (seq > this.sealedSeq) {
      this.keys.clear();
      this.openRepeats = false;
      return;
    }
    // A key added again after the seal belongs to an open row and stays.
    for (const [key, seals] of this.keys) if (seals < this.seals) this.keys.delete(key);
  }
}

const COMPARABLE = new Set(['string']);

/** The primary key of a staged row as one string, from its cells (what the database stores); null when JS cannot compare it exactly. */
export function keyOf(plan: TablePlan, cells: readonly Cell[]): string | null | undefined {
  const keyCells = keyCellsOf(plan);
  if (keyCells === undefined) return undefined;
  if (keyCells === null) return null;
  const parts: string[] = [];
  for (const index of keyCells) {
    const cell = cells[index];
    if (cell === null || cell === undefined) return null;
    parts.push(`${cell.length}:`, cell);
  }
  return parts.join('');
}

/** Each plan's key cells, found once rather than per row: this runs for every staged row. */
const keyCellsByPlan = new WeakMap<TablePlan, readonly number[] | null | undefined>();

/** Where a staged row's key parts are; undefined without a primary key, null when a part is not text JS can compare. */
function keyCellsOf(plan: TablePlan): readonly number[] | null | undefined {
  if (keyCellsByPlan.has(plan)) return keyCellsByPlan.get(plan);
  let keyCells: number[] | null | undefined = plan.primaryKey.length === 0 ? undefined : [];
  for (const field of plan.primaryKey) {
    const index = plan.columns.findIndex((column) => column.name === field);
    if (index < 0 || !COMPARABLE.has(plan.columns[index]!.kind)) {
      keyCells = null;
      break;
    }
    keyCells!.push(AIRBYTE_COLUMNS.length + index);
  }
  keyCellsByPlan.set(plan, keyCells);
  return keyCells;
}
