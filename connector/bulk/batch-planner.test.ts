import { describe, expect, it } from 'vitest';
import { distinctSyncTime, planSync } from './batch-planner.js';
import { REFERENCE_ID_PATTERN } from './reference-id.js';
import { scheduleBody } from './batch-scheduler.js';

const SYNC = '2026-03-10T12:00:00.000Z';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `c-${i}`);
const base = { batchSize: 1000, referencePrefix: 'finpro', syncTime: SYNC, watermarkOf: () => undefined };

describe('planSync', () => {
  it('de-duplicates, chunks by batch_size and names chunks deterministically', () => {
    const plan = planSync({ ...base, consents: [...ids(25), 'c-3', 'c-4'], batchSize: 10 });
    expect(plan.chunks.map((c) => c.consents.length)).toEqual([10, 10, 5]);
    expect(plan.chunks.map((c) => c.referenceId)).toEqual(['finpro-20260310T120000000Z-0', 'finpro-20260310T120000000Z-1', 'finpro-20260310T120000000Z-2']);
    expect(planSync({ ...base, consents: ids(25), batchSize: 10 }).chunks.map((c) => c.referenceId)).toEqual(plan.chunks.map((c) => c.referenceId));
    for (const chunk of plan.chunks) expect(chunk.referenceId).toMatch(REFERENCE_ID_PATTERN);
  });

  it('keeps the longest names within 60 characters', () => {
    const plan = planSync({ ...base, consents: ids(20), batchSize: 1, referencePrefix: 'p'.repeat(30) });
    expect(plan.chunks.at(-1)!.referenceId.length + '-r10'.length).toBeLessThanOrEqual(60);
  });

  it('uses single FI requests below 10 consents', () => {
    expect(planSync({ ...base, consents: ids(9) }).chunks[0]!.mode).toBe('single');
    expect(planSync({ ...base, consents: ids(10) }).chunks[0]!.mode).toBe('bulk');
  });

  it('runs each range from the watermark, else the configured start, else a year back, and never past now', () => {
    const plan = planSync({
      ...base,
      consents: ['a', 'b', 'c', 'd'],
      fiDataRangeTo: '2030-01-01',
      overrides: [{ consent_id: 'c', fi_data_range_from: '2025-06-01', config_id: 'cfg-c' }],
      watermarkOf: (id) => (id === 'a' ? '2026-03-01T00:00:00.000Z' : id === 'd' ? '2026-03-10T12:00:00.000Z' : undefined),
    });
    const byId = new Map(plan.chunks[0]!.consents.map((c) => [c.consentId, c]));
    expect(byId.get('a')).toMatchObject({ from: '2026-03-01T00:00:00.000Z', to: SYNC });
    expect(byId.get('b')).toMatchObject({ from: '2025-03-10T12:00:00.000Z', to: SYNC });
    expect(byId.get('c')).toMatchObject({ from: '2025-06-01T00:00:00.000Z', configId: 'cfg-c' });
    expect(byId.has('d')).toBe(false);
    expect(plan.upToDate).toBe(1);
  });

  it('sends per-row values only where they differ from the batch defaults', () => {
    const body = scheduleBody('ref-12345', [
      { consentId: 'a', from: 'F1', to: 'T' },
      { consentId: 'b', from: 'F1', to: 'T' },
      { consentId: 'c', from: 'F2', to: 'T', configId: 'x' },
    ]);
    expect(body).toMatchObject({ fiDataRangeFrom: 'F1', fiDataRangeTo: 'T' });
    expect(body.consents_list).toEqual([{ consent_id: 'a' }, { consent_id: 'b' }, { consent_id: 'c', fiDataRangeFrom: 'F2' }]);
  });
});

describe('distinctSyncTime', () => {
  it('moves a sync time that equals an earlier sync time a millisecond on, past every one it meets', () => {
    const now = '2026-12-02T01:11:09.003Z';
    expect(distinctSyncTime(now, [])).toBe(now);
    expect(distinctSyncTime(now, ['2026-12-02T01:11:08.003Z'])).toBe(now);
    expect(distinctSyncTime(now, ['2026-12-02T01:11:09.003Z'])).toBe('2026-12-02T01:11:09.004Z');
    expect(distinctSyncTime(now, ['2026-12-02T01:11:09.004Z', '2026-12-02T01:11:09.003Z'])).toBe('2026-12-02T01:11:09.005Z');
  });
});
