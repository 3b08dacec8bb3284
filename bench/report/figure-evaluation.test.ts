import { describe, expect, it } from 'vitest';
import type { BenchOutcome, Figure } from '../harness/bench-types.js';
import { evaluateFigure, formatNumber } from './figure-evaluation.js';
import { consoleTable, markdownTable } from './results-table.js';

const ratioFigure = (ratios: number[]): Figure => ({
  bench: 'read',
  name: 'records/s',
  value: { samples: [70, 80, 90], unit: 'records/s' },
  reference: { name: 'baseline', value: { samples: [100, 100, 100], unit: 'records/s' } },
  ratio: { samples: ratios, unit: 'x' },
  target: { metric: 'ratio', op: '>=', threshold: 0.7, text: '>= 0.7 x baseline' },
});

describe('evaluateFigure', () => {
  it('judges the median ratio against the target', () => {
    expect(evaluateFigure(ratioFigure([0.6, 0.75, 0.9])).met).toBe(true);
    expect(evaluateFigure(ratioFigure([0.6, 0.65, 0.9])).met).toBe(false);
  });

  it('judges the worst run when the target says so', () => {
    const figure: Figure = {
      bench: 'rate-limit',
      name: '429s',
      value: { samples: [0, 0, 3], unit: 'responses' },
      target: { metric: 'value', op: '<=', threshold: 0, statistic: 'max', text: '0 in every run' },
    };
    expect(evaluateFigure(figure).met).toBe(false);
  });

  it('leaves an unmeasured figure unjudged', () => {
    const figure: Figure = { bench: 'load', name: 'Postgres', notMeasured: 'Postgres unreachable', target: { metric: 'ratio', op: '>=', threshold: 0.5, text: '' } };
    expect(evaluateFigure(figure).met).toBeUndefined();
  });
});

describe('tables', () => {
  const outcome: BenchOutcome = { id: 'read', title: 'Read', method: [], figures: [ratioFigure([0.6, 0.65, 0.9])], seconds: 1 };

  it('shows median, range, reference, ratio and a MISSED verdict', () => {
    const table = consoleTable([outcome]);
    expect(table).toContain('80');
    expect(table).toContain('70-90 (3 runs)');
    expect(table).toContain('baseline: 100 records/s');
    expect(table).toContain('0.65 (0.6-0.9)');
    expect(table).toContain('MISSED');
  });

  it('escapes pipes in markdown cells', () => {
    const figure: Figure = { bench: 'load', name: 'a|b', notMeasured: 'x' };
    expect(markdownTable([{ ...outcome, figures: [figure] }])).toContain('a\\|b');
  });
});

describe('formatNumber', () => {
  it('keeps about three significant digits and separates thousands', () => {
    expect(formatNumber(31_234.6)).toBe('31,235');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.0123');
    expect(formatNumber(70)).toBe('70');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('n/a');
  });
});
