/**
 * Fixed-window rate limit per client_id, windows aligned to the epoch (a window of 60 s
 * starts on the minute), so `X-RateLimit-Reset` is the same for every client in a window
 * and tests can compute the exact header values.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in this window after this one (never below 0). */
  remaining: number;
  /** Unix seconds when the window ends (rounded up). */
  resetSeconds: number;
  /** Seconds until the window ends, at least 1; sent as Retry-After on a 429. */
  retryAfterSeconds: number;
}

export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(clientId: string, now: number): RateLimitDecision {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    let window = this.windows.get(clientId);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(clientId, window);
    }
    window.count++;
    const end = start + this.windowMs;
    return {
      allowed: window.count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.count),
      resetSeconds: Math.ceil(end / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)),
    };
  }
}
