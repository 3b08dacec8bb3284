import type { Comparison, Figure, SummarizedFigure } from '../harness/bench-types.js';
import { summarize } from '../harness/sample-stats.js';

function compare(value: number, op: Comparison, threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  if (op === '>=') return value >= threshold;
  if (op === '<=') return value <= threshold;
  return value < threshold;
}

/** Adds medians, min-max and whether the target is met (judged on the median unless the target names the max). */
export function evaluateFigure(figure: Figure): SummarizedFigure {
  if (figure.notMeasured !== undefined) return { ...figure };
  const valueSummary = figure.value && figure.value.samples.length > 0 ? summarize(figure.value.samples) : undefined;
  const referenceSummary = figure.reference && figure.reference.value.samples.length > 0 ? summarize(figure.reference.value.samples) : undefined;
  const ratioSummary = figure.ratio && figure.ratio.samples.length > 0 ? summarize(figure.ratio.samples) : undefined;
  let met: boolean | undefined;
  if (figure.target) {
    const judged = figure.target.metric === 'ratio' ? ratioSummary : valueSummary;
    met = judged ? compare(figure.target.statistic === 'max' ? judged.max : judged.median, figure.target.op, figure.target.threshold) : false;
  }
  return { ...figure, valueSummary, referenceSummary, ratioSummary, met };
}

/** Numbers as a person reads them: 3 significant digits, thousands separated. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  // Three significant digits, without trailing zeros (0.65, not 0.650).
  return String(Number(value.toPrecision(3)));
}

export function formatRange(summary: { min: number; max: number }): string {
  return `${formatNumber(summary.min)}-${formatNumber(summary.max)}`;
}

export function verdict(figure: SummarizedFigure): string {
  if (figure.notMeasured !== undefined) return 'not measured';
  if (figure.met === undefined) return '-';
  return figure.met ? 'met' : 'MISSED';
}
