import type { BenchOutcome, SummarizedFigure } from '../harness/bench-types.js';
import { evaluateFigure, formatNumber, formatRange, verdict } from './figure-evaluation.js';

/** The rows of the results table, shared by the console printout and BENCHMARKS.md. */
export const TABLE_HEADER = ['bench', 'figure', 'median', 'min-max', 'unit', 'compared with (median)', 'ratio (median, min-max)', 'target', 'verdict'];

export function tableRows(outcomes: readonly BenchOutcome[]): string[][] {
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    for (const figure of outcome.figures) rows.push(figureRow(evaluateFigure(figure)));
  }
  return rows;
}

function figureRow(figure: SummarizedFigure): string[] {
  if (figure.notMeasured !== undefined) {
    return [figure.bench, figure.name, `not measured: ${figure.notMeasured}`, '', '', '', '', figure.target?.text ?? '', verdict(figure)];
  }
  const value = figure.valueSummary;
  const reference = figure.referenceSummary;
  const ratio = figure.ratioSummary;
  return [
    figure.bench,
    figure.name,
    value ? formatNumber(value.median) : '',
    value ? `${formatRange(value)} (${value.runs} runs)` : '',
    figure.value?.unit ?? '',
    reference && figure.reference ? `${figure.reference.name}: ${formatNumber(reference.median)} ${figure.reference.value.unit}` : '',
    ratio ? `${formatNumber(ratio.median)} (${formatRange(ratio)})` : '',
    figure.target?.text ?? '',
    verdict(figure),
  ];
}

/** A plain fixed-width table for the terminal. */
export function consoleTable(outcomes: readonly BenchOutcome[]): string {
  const rows = [TABLE_HEADER, ...tableRows(outcomes)];
  const widths = TABLE_HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The same table in GitHub markdown. */
export function markdownTable(outcomes: readonly BenchOutcome[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const rows = tableRows(outcomes);
  return [
    `| ${TABLE_HEADER.join(' | ')} |`,
    `| ${TABLE_HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}
