import { describe, expect, it } from 'vitest';
import { planSync } from './batch-planner.js';
import { PlanPositions } from './plan-positions.js';

const plan = planSync({
  consents: Array.from({ length: 25 }, (_, i) => `c-${i}`),
  batchSize: 10,
  referencePrefix: 'finpro',
  syncTime: '2026-03-10T12:00:00.000Z',
  watermarkOf: () => undefined,
});

describe('PlanPositions', () => {
  it('places consents at chunk x batch size + index, even one reported in another chunk', () => {
    const positions = new PlanPositions(plan);
    expect(positions.of(1, ['c-10', 'c-13'])).toEqual([10, 13]);
    expect(positions.of(2, ['c-24', 'c-3'])).toEqual([24, 3]);
    positions.forget(1);
    expect(positions.of(1, ['c-19'])).toEqual([19]);
  });

  it('gives nothing without a plan, for a chunk it does not hold, or for a consent it never planned', () => {
    expect(new PlanPositions(null).of(0, ['c-1'])).toEqual([]);
    expect(new PlanPositions(plan).of(7, ['c-1'])).toEqual([]);
    expect(new PlanPositions(plan).of(0, ['stranger'])).toEqual([]);
  });
});
