import { describe, expect, it } from 'vitest';
import { RateLimitGovernor } from './rate-limit-governor.js';

/**
 * A virtual clock: `sleep` resolves when `run` advances time to it, so a run of thousands
 * of requests over many windows takes milliseconds and is exactly repeatable.
 */
class VirtualClock {
  nowMs: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  constructor(startMs: number) {
    this.nowMs = startMs;
  }
  now = (): number => this.nowMs;
  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.nowMs + Math.max(0, ms), seq: this.seq++, resolve });
    });
  /** Advances time timer by timer until `done()` holds. */
  async run(done: () => boolean): Promise<void> {
    for (let guard = 0; guard < 1_000_000; guard++) {
      for (let i = 0; i < 20; i++) await Promise.resolve();
      if (done()) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (next === undefined) throw new Error('deadlock: nothing scheduled and not done');
      this.nowMs = Math.max(this.nowMs, next.at);
      next.resolve();
    }
    throw new Error('virtual run did not finish');
  }
}

/** The sandbox's limiter: fixed windows aligned to the epoch, every request counts, reset in whole seconds rounded up. */
function fixedWindowServer(limit: number, windowMs: number) {
  let start = -1;
  let count = 0;
  let throttled = 0;
  return {
    get throttled() {
      return throttled;
    },
    take(now: number): Map<string, string> {
      const s = Math.floor(now / windowMs) * windowMs;
      if (s !== start) {
        start = s;
        count = 0;
      }
      count++;
      if (count > limit) throttled++;
      return new Map([
        ['x-ratelimit-limit', String(limit)],
        ['x-ratelimit-remaining', String(Math.max(0, limit - count))],
        ['x-ratelimit-reset', String(Math.ceil((s + windowMs) / 1000))],
      ]);
    },
  };
}

/** `workers` loops each sending requests (arrive after `upMs`, answer after `downMs` more) until `total` are done. */
/**
 * `serverSkewMs`: the server's clock minus ours. The governor learns it as the client does, from
 * a Date header of whole seconds read on arrival, so the offset it is told jitters by up to a second.
 */
async function drive(args: { limit: number; windowMs: number; total: number; workers: number; upMs: number; downMs: number; startMs: number; serverSkewMs?: number }) {
  const clock = new VirtualClock(args.startMs);
  const server = fixedWindowServer(args.limit, args.windowMs);
  const skew = args.serverSkewMs ?? 0;
  let toldOffsetMs = 0;
  const governor = new RateLimitGovernor({ now: clock.now, sleep: clock.sleep, serverOffsetMs: () => toldOffsetMs });
  let sent = 0;
  let finished = 0;
  const sentAt: number[] = [];
  const worker = async (): Promise<void> => {
    while (sent < args.total) {
      sent++;
      await governor.acquire();
      sentAt.push(clock.now());
      await clock.sleep(args.upMs);
      const serverNow = clock.now() + skew;
      const headers = server.take(serverNow);
      await clock.sleep(args.downMs);
      toldOffsetMs = Math.floor(serverNow / 1000) * 1000 - clock.now();
      governor.release({ get: (name) => headers.get(name) ?? null });
      finished++;
    }
  };
  for (let i = 0; i < args.workers; i++) void worker();
  await clock.run(() => finished >= args.total);
  return { elapsedMs: clock.nowMs - args.startMs, throttled: server.throttled, sentAt };
}

describe('RateLimitGovernor', () => {
  it('reads 2,000 requests at 200 per 2 s in about the bound (20 s), without a 429', async () => {
    // Start mid-window, as a real read does.
    const result = await drive({ limit: 200, windowMs: 2000, total: 2000, workers: 10, upMs: 2, downMs: 3, startMs: 1_700_000_000_700 });
    expect(result.throttled).toBe(0);
    // The first window is only partly ours (we start 0.7 s into it), so 2,000 requests need 9.x windows after it.
    expect(result.elapsedMs).toBeLessThanOrEqual(20_000 * 1.05);
  });

  it.each([
    ['a week ahead of ours', 7 * 86_400_000],
    ['45 s behind ours', -45_000],
    ['1.3 s ahead of ours', 1_300],
  ])('keeps to the bound without a 429 when FinPro\'s clock is %s (its reset is a time on its clock)', async (_name, serverSkewMs) => {
    const result = await drive({ limit: 200, windowMs: 2000, total: 2000, workers: 10, upMs: 2, downMs: 3, startMs: 1_700_000_000_700, serverSkewMs });
    expect(result.throttled).toBe(0);
    expect(result.elapsedMs).toBeLessThanOrEqual(20_000 * 1.1);
  });

  it('spreads a window\'s requests over it instead of sending them in one burst', async () => {
    const result = await drive({ limit: 200, windowMs: 2000, total: 1000, workers: 10, upMs: 1, downMs: 1, startMs: 1_700_000_000_000 });
    expect(result.throttled).toBe(0);
    // No 100 ms holds more than a fair share of a window (10 per 100 ms), give or take the margin.
    const perSlice = new Map<number, number>();
    for (const at of result.sentAt.slice(50)) perSlice.set(Math.floor(at / 100), (perSlice.get(Math.floor(at / 100)) ?? 0) + 1);
    expect(Math.max(...perSlice.values())).toBeLessThanOrEqual(15);
  });

  it('ignores a late answer from an earlier window instead of stalling on its small remaining', () => {
    let now = 10_000;
    const governor = new RateLimitGovernor({ now: () => now, sleep: async () => undefined });
    const headers = (remaining: number, resetSeconds: number) => ({ get: (name: string) => ({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetSeconds) })[name] ?? null });
    governor.release(headers(50, 12));
    governor.release(headers(10, 14));
    expect(governor.snapshot()).toEqual({ limit: 100, remaining: 10, resetAtMs: 14_000 });
    now = 14_100;
    governor.release(headers(0, 14));
    expect(governor.snapshot()!.remaining).toBe(0);
    governor.release(headers(95, 16));
    governor.release(headers(0, 14));
    expect(governor.snapshot()).toEqual({ limit: 100, remaining: 95, resetAtMs: 16_000 });
  });

  it('waits out a Retry-After before anything else', async () => {
    const clock = new VirtualClock(0);
    const governor = new RateLimitGovernor({ now: clock.now, sleep: clock.sleep });
    governor.blockUntil(1500);
    let acquiredAt = -1;
    void governor.acquire().then(() => (acquiredAt = clock.now()));
    await clock.run(() => acquiredAt >= 0);
    expect(acquiredAt).toBe(1500);
  });
});
