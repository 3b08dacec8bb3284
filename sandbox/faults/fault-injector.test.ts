import { describe, expect, it } from 'vitest';
import { FaultInjector } from './fault-injector.js';
import { startSandbox } from '../index.js';
import { authHeaders } from '../test-support/sandbox-test-client.js';

describe('FaultInjector', () => {
  it('is deterministic by seed and near the documented rates', () => {
    const a = new FaultInjector('flaky', 42, 1);
    const b = new FaultInjector('flaky', 42, 1);
    const plans = Array.from({ length: 20_000 }, (_, i) => a.decide(i));
    expect(plans).toEqual(Array.from({ length: 20_000 }, (_, i) => b.decide(i)));
    const share = (kind: string) => plans.filter((p) => p.kind === kind).length / plans.length;
    expect(share('http_error')).toBeCloseTo(0.05, 2);
    expect(share('connection_reset')).toBeCloseTo(0.01, 2);
    expect(plans.some((p) => p.kind === 'http_error' && p.html)).toBe(true);
    expect(plans.some((p) => p.kind === 'none' && p.delayMs > 0)).toBe(true);
    const storm = Array.from({ length: 2_000 }, (_, i) => new FaultInjector('storm', 42, 1).decide(i));
    expect(storm.some((p) => p.kind === 'throttle_429')).toBe(true);
    expect(storm.slice(0, 20).every((p) => p.kind === storm[0]!.kind) || storm.some((p) => p.kind === 'none')).toBe(true);
    // Retry-After is simulated time like every other wait: 1-2 s at speed 1, 0-1 s at speed 4.
    const retryAfters = (speed: number) =>
      new Set(Array.from({ length: 2_000 }, (_, i) => new FaultInjector('storm', 42, speed).decide(i)).flatMap((p) => (p.kind === 'throttle_429' ? [p.retryAfterSeconds] : [])));
    expect([...retryAfters(1)].sort()).toEqual([1, 2]);
    expect([...retryAfters(4)].sort()).toEqual([0, 1]);
    expect(new FaultInjector('slow', 42, 100).decide(3).delayMs).toBeLessThanOrEqual(30);
    expect(new FaultInjector('none', 42, 1).decide(3)).toEqual({ kind: 'none', delayMs: 0 });
  });
});

describe('faults over HTTP', () => {
  it('never corrupts state: each faulted schedule took effect once or not at all, and stats say which', async () => {
    const sandbox = await startSandbox({ consents: 50, faults: 'flaky', speed: 1000, seed: 7 });
    try {
      const consent = sandbox.consents('ACTIVE')[0]!;
      const outcomes: Record<string, number> = {};
      for (let i = 0; i < 200; i++) {
        const ref = `flaky-ref-${i}`;
        let status: string;
        try {
          const res = await fetch(`${sandbox.url}/v2/schedule/fi/requests`, {
            method: 'POST',
            headers: authHeaders(sandbox),
            body: JSON.stringify({ reference_id: ref, consents_list: [{ consent_id: consent.id }] }),
          });
          status = String(res.status);
          const text = await res.text();
          if (res.status >= 500) expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
          if (res.headers.get('content-type')?.includes('text/html')) expect(text).toContain('<html>');
        } catch {
          status = 'reset';
        }
        outcomes[status] = (outcomes[status] ?? 0) + 1;
      }
      const stats = sandbox.stats();
      expect(outcomes['200']).toBeGreaterThan(160);
      expect(Object.keys(outcomes).some((s) => s.startsWith('5'))).toBe(true);
      expect(stats.faults.total).toBeGreaterThan(0);
      for (const event of stats.faults.events.filter((e) => e.kind !== 'latency')) {
        const created = stats.batches_created[event.reference_id ?? ''] ?? 0;
        if (event.took_effect) expect(created, JSON.stringify(event)).toBe(1);
        else expect(event.reference_id).toBeNull();
      }
      // Every batch exists at most once, and a lost answer is found by looking the batch up.
      expect(Object.values(stats.batches_created).every((n) => n === 1)).toBe(true);
      const lost = stats.faults.events.find((e) => e.took_effect && e.kind !== 'latency');
      if (lost) expect(stats.batches_created[lost.reference_id!]).toBe(1);
      expect(stats.faults.took_effect + stats.faults.not_took_effect).toBe(stats.faults.total);
    } finally {
      await sandbox.close();
    }
  });

  it('storm sends bursts of 429 with Retry-After; introspection is never faulted', async () => {
    const sandbox = await startSandbox({ consents: 5, faults: 'storm', speed: 1 });
    try {
      let throttled = 0;
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${sandbox.url}/bulk/status`, { method: 'POST', headers: authHeaders(sandbox), body: '{"reference_id":"nothing"}' });
        await res.text();
        if (res.status === 429) {
          throttled++;
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
        if (i % 10 === 0) expect((await fetch(`${sandbox.url}/_sandbox/stats`)).status).toBe(200);
      }
      expect(throttled).toBeGreaterThan(10);
      expect(sandbox.stats().faults.by_kind['throttle_429']).toBe(throttled);
    } finally {
      await sandbox.close();
    }
  });
});
