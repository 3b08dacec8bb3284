/**
 * Spaces requests so a healthy run never meets a 429. It learns the window from the
 * `X-RateLimit-*` headers: each request spends one unit of a local estimate of what remains,
 * each response corrects the estimate, and when too little remains for the requests that may
 * be in flight it waits for the window's reset. A 429 still happens when another client
 * shares the quota; the caller then waits for `Retry-After` and calls `blockUntil`.
 */
export interface RateLimitSnapshot {
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAtMs: number;
}

export interface GovernorClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export class RateLimitGovernor {
  private limit: number | undefined;
  private remaining: number | undefined;
  private resetAtMs = 0;
  private blockedUntilMs = 0;
  private inFlight = 0;

  /** `reserve`: requests kept back for those already in flight whose headers we have not seen yet. */
  constructor(
    private readonly clock: GovernorClock,
    private readonly reserve: number,
    /** Longest single wait for a reset, in case the server's clock or header is off. */
    private readonly maxWaitMs = 65_000,
  ) {}

  /** Resolves when one more request may be sent; the caller must call `release` with its response headers. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (this.blockedUntilMs > now) {
        await this.clock.sleep(Math.min(this.blockedUntilMs - now, this.maxWaitMs));
        continue;
      }
      if (this.remaining === undefined || this.limit === undefined) break;
      if (this.resetAtMs <= now) {
        // The window rolled over; assume a full one until a response says otherwise.
        this.remaining = this.limit;
        this.resetAtMs = now + 1000;
        break;
      }
      if (this.remaining - this.inFlight > this.reserve) break;
      // Wait just past the reset (the header has whole-second resolution).
      await this.clock.sleep(Math.min(this.resetAtMs - now + 50, this.maxWaitMs));
      if (this.clock.now() >= this.resetAtMs) {
        this.remaining = this.limit;
      }
    }
    this.inFlight++;
  }

  /** Records a response's rate-limit headers (any may be absent). */
  release(headers: { get(name: string): string | null } | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (headers === undefined) return;
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(reset) || headers.get('x-ratelimit-limit') === null) return;
    const resetAtMs = reset * 1000;
    this.limit = limit;
    if (resetAtMs > this.resetAtMs + 500 || this.remaining === undefined) {
      // A newer window.
      this.resetAtMs = resetAtMs;
      this.remaining = remaining;
    } else {
      // Same window: responses may arrive out of order, the smallest remaining is the truth.
      this.resetAtMs = Math.max(this.resetAtMs, resetAtMs);
      this.remaining = Math.min(this.remaining, remaining);
    }
  }

  /**
   * After a 429: nobody sends until `untilMs`. The server's Retry-After is trusted as is: the
   * remaining estimate is left alone, so a throttle that is not quota exhaustion does not make
   * us sit out the whole window.
   */
  blockUntil(untilMs: number): void {
    this.blockedUntilMs = Math.max(this.blockedUntilMs, untilMs);
  }

  snapshot(): RateLimitSnapshot | undefined {
    if (this.limit === undefined || this.remaining === undefined) return undefined;
    return { limit: this.limit, remaining: this.remaining, resetAtMs: this.resetAtMs };
  }
}
