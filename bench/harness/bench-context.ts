import type { BenchOptions } from './bench-options.js';
import type { BenchId, BenchOutcome } from './bench-types.js';

/** What every benchmark gets from the runner. */
export interface BenchContext {
  options: BenchOptions;
  /** The repository root (outputs, git). */
  root: string;
  /** Where the measured build lives (a snapshot of dist/, see code-snapshot.ts): spawn children from here. */
  codeRoot: string;
  /** A scratch directory for this bench (configs, consent files, outputs). */
  workDir: string;
  /** Progress on stderr; stdout is kept for the table. */
  log(message: string): void;
  /** Runs of a figure: the bench's own choice unless --runs overrides it. */
  runs(defaultRuns: number): number;
  /** Results one bench leaves for another in the same run (e.g. read's sandbox stats for api-cost). */
  shared: Map<string, unknown>;
}

export interface Benchmark {
  id: BenchId;
  title: string;
  run(context: BenchContext): Promise<Omit<BenchOutcome, 'id' | 'title' | 'seconds'>>;
}
