import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../index.js';
import { post } from '../test-support/sandbox-test-client.js';
import { FixedWindowRateLimiter } from './rate-limiter.js';

describe('FixedWindowRateLimiter', () => {
  it('counts per client in epoch-aligned windows', () => {
    const limiter = new FixedWindowRateLimiter(2, 10_000);
    const t = 1_700_000_003_000;
    expect(limiter.take('a', t)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 1_700_000_010, retryAfterSeconds: 7 });
    expect(limiter.take('a', t + 1).remaining).toBe(0);
    expect(limiter.take('a', t + 2)).toMatchObject({ allowed: false, remaining: 0 });
    expect(limiter.take('b', t + 2)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.take('a', t + 7_000)).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 1_700_000_020 });
  });
});

describe('rate limit over HTTP', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // A long window, so the test never straddles a window boundary by accident.
    sandbox = await startSandbox({ consents: 10, rateLimit: { limit: 5, windowMs: 3_600_000 } });
  });
  afterAll(() => sandbox.close());

  it('sends exact X-RateLimit-* headers on every response, then 429 with Retry-After', async () => {
    const windowEnd = Math.ceil((Math.floor(Date.now() / 3_600_000) + 1) * 3_600);
    const seen: Array<[number, string | null, string | null, string | null]> = [];
    for (let i = 0; i < 7; i++) {
      // Mix successes and errors: all of them count and all carry the headers.
      // The clock is read before the request: the server's Retry-After is rounded up from a later
      // instant, so a bound taken after the answer can be one second short when a second ticks
      // over in between (CI saw 3449 > 3448).
      const sentAtSeconds = Math.floor(Date.now() / 1000);
      const res = i % 2 ? await post(sandbox, '/bulk/status', { reference_id: 'missing-ref' }) : await post(sandbox, '/fi/request', {}, { client_secret: 'wrong' });
      seen.push([res.status, res.headers.get('x-ratelimit-limit'), res.headers.get('x-ratelimit-remaining'), res.headers.get('retry-after')]);
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(windowEnd));
      if (res.status === 429) {
        expect(res.body).toMatchObject({ errorCode: 'RateLimitExceeded', errorMsg: expect.any(String), ver: expect.any(String) });
        const retryAfter = Number(res.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(windowEnd - sentAtSeconds);
      }
    }
    expect(seen.map(([status, limit, remaining]) => [status, limit, remaining])).toEqual([
      [401, '5', '4'],
      [404, '5', '3'],
      [401, '5', '2'],
      [404, '5', '1'],
      [401, '5', '0'],
      [429, '5', '0'],
      [429, '5', '0'],
    ]);
    expect(seen.slice(0, 5).every(([, , , retryAfter]) => retryAfter === null)).toBe(true);
    expect(sandbox.stats().rate_limited).toBe(2);
    // Introspection is never rate limited.
    expect((await fetch(`${sandbox.url}/_sandbox/stats`)).status).toBe(200);
  });
});
