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
 *
 * `X-RateLimit-Reset` is a Unix time on FinPro's clock, which may be off from ours by hours or
 * days (a FinPro a week ahead made every request wait days for its slot). Resets are kept on
 * FinPro's clock for learning the window, and moved onto ours by the offset FinPro's answers
 * tell (`serverOffsetMs`; see `followServerOffset` for why it is not simply the latest measure).
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
  /** FinPro's clock minus ours, in ms, as its answers tell it (0 when unknown). */
  serverOffsetMs?(): number;
}

/** Requests kept back in each window, for a request whose header we misread or a clock off by a hair. */
const MARGIN_REQUESTS = 1;
/** Time kept after the reset before the new window's first request (the header has whole-second resolution; clocks differ). */
const RESET_MARGIN_MIN_MS = 10;
/** A reset within this of the known one is the same window (whole-second rounding). */
const SAME_WINDOW_MS = 500;
/** A move of FinPro's clock offset beyond this is a clock that changed (see `followServerOffset`). */
const OFFSET_STEP_MS = 2_000;

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
  /** FinPro's clock minus ours, as the governor uses it (see `followServerOffset`). */
  private offsetMs = 0;

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
    this.followServerOffset();
    const serverResetMs = reset * 1000;
    this.learnWindow(serverResetMs);
    const resetAtMs = serverResetMs - this.offsetMs;
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

  /**
   * Follows FinPro's clock offset. A Date header is cut to whole seconds and is written before
   * the answer reaches us, so each measure falls short of the true offset by up to a second:
   * within a step the largest measure is the best one, and a reset taken with less would look
   * later than it is (a slower pace, a whole window lost when windows are short). A move of more
   * than a step is a clock that changed, and is followed either way.
   */
  private followServerOffset(): void {
    const seen = this.clock.serverOffsetMs?.() ?? 0;
    const jump = Math.abs(seen - this.offsetMs) > OFFSET_STEP_MS;
    const delta = jump ? seen - this.offsetMs : Math.max(0, seen - this.offsetMs);
    if (delta === 0) return;
    this.offsetMs += delta;
    // Times kept on our clock move with it.
    if (this.remaining !== undefined) this.resetAtMs -= delta;
    if (jump) this.nextSlotMs = 0;
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
