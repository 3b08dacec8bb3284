/**
 * Spaces requests so a healthy run never meets a 429 and still uses the whole quota. It
 * learns the window from the `X-RateLimit-*` headers (limit, remaining, reset) and:
 *
 * - counts what it may still send in the current window as the smallest `remaining` a
 *   response of that window reported, minus the requests in flight (their answers have not
 *   counted yet), minus a one-request margin;
 * - spreads that over the time left in the window (one request every `time left / what
 *   is left`), instead of spending it in a burst and sitting out the rest: the server sees an
 *   even load, and a read that needs many windows runs at the limit's pace;
 * - at the window's end (the reset header, or the learned window length once the clock
 *   passes it) starts a new window with the full limit, the requests still in flight
 *   counted against it in case they land after the boundary;
 * - ignores headers of an earlier window that arrive late (they say nothing about the new
 *   one: trusting their small `remaining` made the old governor wait out a whole window).
 *
 * A 429 still happens when another client shares the quota; the caller then waits for
 * `Retry-After` and calls `blockUntil`.
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

/** Requests kept back in each window, for a request whose header we misread or a clock off by a hair. */
const MARGIN_REQUESTS = 1;
/** Time kept after the reset before the new window's first request (the header has whole-second resolution; clocks differ). */
const RESET_MARGIN_MIN_MS = 10;
/** A reset within this of the known one is the same window (whole-second rounding). */
const SAME_WINDOW_MS = 500;

export class RateLimitGovernor {
  private limit: number | undefined;
  private remaining: number | undefined;
  private resetAtMs = 0;
  /** Window length, learned from two resets seen one window apart (the smallest gap seen). */
  private windowMs: number | undefined;
  private lastServerResetMs: number | undefined;
  private blockedUntilMs = 0;
  private inFlight = 0;
  /** Earliest time of the next request, from the spacing. */
  private nextSlotMs = 0;

  constructor(
    private readonly clock: GovernorClock,
    /** Longest single wait, in case the server's clock or header is off. */
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
      const margin = Math.max(RESET_MARGIN_MIN_MS, (this.windowMs ?? 1000) / 100);
      if (now >= this.resetAtMs + margin) this.rollOver(now);
      const available = this.remaining - this.inFlight - MARGIN_REQUESTS;
      if (available <= 0) {
        await this.clock.sleep(Math.min(Math.max(1, this.resetAtMs + margin - now), this.maxWaitMs));
        continue;
      }
      if (now < this.nextSlotMs) {
        await this.clock.sleep(this.nextSlotMs - now);
        continue;
      }
      // Spread what is left of the window over the time left in it.
      this.nextSlotMs = now + Math.max(0, this.resetAtMs - now) / available;
      break;
    }
    this.inFlight++;
  }

  /** Records a response's rate-limit headers (any may be absent). */
  release(headers: { get(name: string): string | null } | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (headers === undefined || headers.get('x-ratelimit-limit') === null) return;
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(reset) || limit <= 0) return;
    const resetAtMs = reset * 1000;
    this.learnWindow(resetAtMs);
    this.limit = limit;
    if (this.remaining === undefined || resetAtMs > this.resetAtMs + SAME_WINDOW_MS) {
      // A newer window than the one we count in.
      this.resetAtMs = resetAtMs;
      this.remaining = remaining;
    } else if (resetAtMs >= this.resetAtMs - SAME_WINDOW_MS) {
      // Same window: answers may arrive out of order, the smallest remaining is the truth.
      this.resetAtMs = Math.max(this.resetAtMs, resetAtMs);
      this.remaining = Math.min(this.remaining, remaining);
    }
    // Else: a late answer from an earlier window; it counted there, not here.
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

  /** The clock passed the window's end: a full window begins (until a response says otherwise). */
  private rollOver(now: number): void {
    let end = this.resetAtMs;
    if (this.windowMs !== undefined) {
      while (end <= now) end += this.windowMs;
    } else {
      // Unknown length: a short guess; the first answer of the new window gives its real end.
      end = now + 1000;
    }
    this.resetAtMs = end;
    this.remaining = this.limit;
    this.nextSlotMs = 0;
  }

  private learnWindow(resetAtMs: number): void {
    const last = this.lastServerResetMs;
    if (last !== undefined && resetAtMs > last + SAME_WINDOW_MS) {
      const gap = resetAtMs - last;
      this.windowMs = this.windowMs === undefined ? gap : Math.min(this.windowMs, gap);
    }
    if (last === undefined || resetAtMs > last) this.lastServerResetMs = resetAtMs;
  }
}
