/**
 * Summaries of repeated measurements. The report shows the median (robust to one noisy run
 * on a shared 2-core machine) and the min-max, never a mean that one outlier can drag.
 */
export interface SampleSummary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Paired ratios run by run (connector run i against baseline run i, taken back to back). */
export function pairedRatios(values: readonly number[], references: readonly number[]): number[] {
  const n = Math.min(values.length, references.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    const reference = references[i]!;
    ratios.push(reference === 0 ? Number.NaN : values[i]! / reference);
  }
  return ratios;
}
