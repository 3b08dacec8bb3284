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
  /** Keys of rows staged after the last STATE. */
  private open = new Set<string>();
  private openRepeats = false;
  /** Keys of rows sealed by a STATE and not yet committed. */
  private sealed = new Set<string>();
  private sealedRepeats = false;
  private sealedSeq = 0;

  /** Records one staged row; `key` undefined means the stream has no primary key (nothing to dedup), null that it cannot be compared. */
  add(key: string | null | undefined): void {
    if (key === undefined) return;
    if (key === null || this.open.has(key) || this.sealed.has(key)) this.openRepeats = true;
    else this.open.add(key);
  }

  /** A STATE covers every row staged so far. */
  seal(seq: number): void {
    for (const key of this.open) this.sealed.add(key);
    this.sealedRepeats ||= this.openRepeats;
    this.open = new Set();
    this.openRepeats = false;
    this.sealedSeq = seq;
  }

  /** Whether the staged rows up to `seq` (the last seal, or everything staged) repeat a key. */
  repeatsUpTo(seq: number): boolean {
    return seq > this.sealedSeq ? this.sealedRepeats || this.openRepeats : this.sealedRepeats;
  }

  /** The rows up to `seq` were committed: forget them. */
  committedUpTo(seq: number): void {
    this.sealed = new Set();
    this.sealedRepeats = false;
    if (seq > this.sealedSeq) {
      this.open = new Set();
      this.openRepeats = false;
    }
  }
}

const COMPARABLE = new Set(['string']);

/** The primary key of a staged row as one string, from its cells (what the database stores); null when JS cannot compare it exactly. */
export function keyOf(plan: TablePlan, cells: readonly Cell[]): string | null | undefined {
  if (plan.primaryKey.length === 0) return undefined;
  let key = '';
  for (const field of plan.primaryKey) {
    const index = plan.columns.findIndex((column) => column.name === field);
    const column = plan.columns[index];
    const cell = cells[AIRBYTE_COLUMNS.length + index];
    if (column === undefined || !COMPARABLE.has(column.kind) || cell === null || cell === undefined) return null;
    key += `${cell.length}:${cell}`;
  }
  return key;
}
