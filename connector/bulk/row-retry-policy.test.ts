import { describe, expect, it } from 'vitest';
import { nextPollIntervalMs } from './poll-backoff.js';
import { correctedRange, decideFailedRow } from './row-retry-policy.js';
import { backoffDelayMs, parseRetryAfterMs } from '../finpro/retry-backoff.js';

const NOW = '2026-03-10T12:00:00.000Z';
const row = { code: 'X', message: null, from: '2025-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', attempt: 0 };

describe('decideFailedRow', () => {
  it('retries Yes up to max_retries, never No or unknown values', () => {
    expect(decideFailedRow({ ...row, eligibility: 'Yes' }, 2, NOW)).toEqual({ kind: 'retry', from: row.from, to: row.to });
    expect(decideFailedRow({ ...row, eligibility: 'Yes', attempt: 2 }, 2, NOW)).toEqual({ kind: 'final' });
    expect(decideFailedRow({ ...row, eligibility: 'No' }, 2, NOW)).toEqual({ kind: 'final' });
    expect(decideFailedRow({ ...row, eligibility: 'Perhaps' }, 2, NOW)).toEqual({ kind: 'final' });
  });

  it('clamps YesWithModifications to the consent range from details, once', () => {
    const failed = { ...row, eligibility: 'YesWithModifications', details: { consentRangeFrom: '2025-06-01T00:00:00.000Z', consentRangeTo: '2026-01-01T00:00:00.000Z' } };
    const decision = decideFailedRow(failed, 2, NOW);
    expect(decision).toEqual({ kind: 'retry', from: '2025-06-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    // The corrected range failing again corrects to itself: final.
    expect(decideFailedRow({ ...failed, from: '2025-06-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', attempt: 1 }, 2, NOW)).toEqual({ kind: 'final' });
  });

  it('reads the allowed range from the message and clamps a range ending after now', () => {
    const message = 'fiDataRangeTo 2026-04-01T00:00:00.000Z is after the current time; allowed range: 2024-01-01T00:00:00.000Z to 2026-03-10T12:00:00.000Z.';
    expect(correctedRange({ message, from: '2025-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }, NOW)).toEqual({ from: '2025-01-01T00:00:00.000Z', to: NOW });
    expect(correctedRange({ message: null, from: '2026-03-11T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }, NOW)).toBeNull();
  });
});

describe('backoff', () => {
  it('doubles from the initial poll interval, caps, and resets on progress', () => {
    expect(nextPollIntervalMs(5000, false, 5000, 60_000)).toBe(10_000);
    expect(nextPollIntervalMs(40_000, false, 5000, 60_000)).toBe(60_000);
    expect(nextPollIntervalMs(40_000, true, 5000, 60_000)).toBe(5000);
  });

  it('jitters request retries within the doubled ceiling', () => {
    expect(backoffDelayMs(0, 250, 15_000, () => 0)).toBe(125);
    expect(backoffDelayMs(3, 250, 15_000, () => 1)).toBe(2000);
    expect(backoffDelayMs(20, 250, 15_000, () => 1)).toBe(15_000);
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs(null, 0)).toBeUndefined();
  });
});
