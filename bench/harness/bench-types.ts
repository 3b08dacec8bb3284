import type { SampleSummary } from './sample-stats.js';

/** The benchmarks `npm run bench -- --only ...` can pick, in the order they run. */
export const BENCH_IDS = ['read', 'capacity', 'rate-limit', 'api-cost', 'memory', 'load', 'sync'] as const;
export type BenchId = (typeof BENCH_IDS)[number];

export type Comparison = '>=' | '<=' | '<';

/** What a figure is held to: the median (or max) of `metric` compared with `threshold`. */
export interface Target {
  metric: 'value' | 'ratio';
  op: Comparison;
  threshold: number;
  /** Which statistic is judged: the median (default), or the worst run for "never" targets. */
  statistic?: 'median' | 'max';
  /** How the target reads in the report, e.g. ">= 0.7 x baseline". */
  text: string;
}

export interface Measured {
  samples: number[];
  unit: string;
}

/** One line of the results table. */
export interface Figure {
  bench: BenchId;
  name: string;
  /** The connector's (or sandbox's) measurement. */
  value?: Measured;
  /** What it is compared with, measured in the same run: a baseline program, or a limit. */
  reference?: { name: string; value: Measured };
  /** value / reference, run by run. */
  ratio?: Measured;
  target?: Target;
  /** Set when the figure could not be measured: says why instead of a number. */
  notMeasured?: string;
  notes?: string[];
}

export interface BenchOutcome {
  id: BenchId;
  title: string;
  /** How it was measured: sizes, settings, what the clock covers. */
  method: string[];
  figures: Figure[];
  seconds: number;
  /** 1-minute load average when the bench ended: above the core count, other work competed with it. */
  loadAverageAtEnd?: number;
}

export interface SummarizedFigure extends Figure {
  valueSummary?: SampleSummary;
  referenceSummary?: SampleSummary;
  ratioSummary?: SampleSummary;
  met?: boolean;
}
