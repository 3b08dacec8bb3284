import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, formatDuration, formatProgressLine, type ProgressSnapshot } from './progress-format.js';

const snapshot = (overrides: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  elapsedMs: 10_000,
  read: {},
  recordsByStream: new Map(),
  estimatedRecords: undefined,
  loaded: 0,
  ...overrides,
});

describe('progress line', () => {
  it('estimates from consent rows when the engine reports a total', () => {
    const s = snapshot({ read: { batchesScheduled: 2, batchesDone: 1, consentsOk: 200, consentsFailed: 50, consentsPlanned: 1000, requests: 300, rateLimited: 4 } });
    expect(estimateRemainingMs(s)).toBe(30_000);
    expect(formatProgressLine(s)).toBe('batches 1/2 | consents 200 ok 50 failed of 1,000 | records 0 (0/s) | loaded 0 | requests 300 (429: 4) | 0:10 elapsed, ETA 0:30');
  });

  it('falls back to records against the source estimate, and to no ETA without one', () => {
    const records = new Map([['fi_transactions', 5000]]);
    expect(estimateRemainingMs(snapshot({ recordsByStream: records, estimatedRecords: 20_000 }))).toBe(30_000);
    expect(estimateRemainingMs(snapshot({ recordsByStream: records }))).toBeUndefined();
    expect(formatProgressLine(snapshot({ recordsByStream: records, loaded: 4000 }))).toBe('records 5,000 (500/s) | loaded 4,000 | 0:10 elapsed');
  });

  it('formats durations', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_726_000)).toBe('1:02:06');
  });
});
