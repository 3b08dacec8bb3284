import { dateTimeUtcOf } from '../fi-normalize/time-reader.js';

/**
 * FinPro's "now", as its answers tell it. FinPro refuses a range that ends after its own now
 * (InvalidDateRange), so a connector whose clock runs ahead of FinPro's would fail most of a
 * batch; one whose clock runs behind would end ranges early. Every answer's `Date` header
 * gives FinPro's time (or, from a server or gateway that sends none, the `timestamp` every
 * FinPro body carries); the offset from ours is kept and applied to our clock.
 *
 * `now()` is the earlier of the two clocks. A range never ends after FinPro's now, and never
 * after ours either: a watermark set by a FinPro clock that runs ahead would, once FinPro's
 * clock is corrected, lie in the future, and the data of that gap would never be asked for.
 * Ending early only re-reads a little in the next sync.
 */
export class FinproClock {
  private offsetMs: number | undefined;

  constructor(private readonly local: () => number) {}

  /** Whether an answer has told FinPro's time yet. */
  get known(): boolean {
    return this.offsetMs !== undefined;
  }

  /**
   * Records FinPro's time from an answer's `Date` header, read when the answer arrived. The
   * header has whole seconds and is cut down to them, so FinPro's now is never overestimated
   * by it; the latest answer wins (a clock corrected mid-sync is followed).
   */
  observe(dateHeader: string | null, receivedAtMs: number): void {
    if (dateHeader === null) return;
    const serverMs = Date.parse(dateHeader);
    if (Number.isNaN(serverMs)) return;
    this.offsetMs = serverMs - receivedAtMs;
  }

  /**
   * Records FinPro's time from the `timestamp` of an answer's JSON body, for an answer that
   * came without a `Date` header (finpro-api.md names the field on every answer, not the
   * header). Read after the body arrived, so FinPro's now is never overestimated by it.
   */
  observeBody(body: unknown, receivedAtMs: number): void {
    if (typeof body !== 'object' || body === null) return;
    const iso = dateTimeUtcOf((body as { timestamp?: unknown }).timestamp);
    if (typeof iso !== 'string') return;
    this.offsetMs = Date.parse(iso) - receivedAtMs;
  }

  /** The earlier of FinPro's now (when known) and ours. */
  now(): number {
    const local = this.local();
    return this.offsetMs === undefined ? local : Math.min(local, local + this.offsetMs);
  }

  /** `now()` as ISO-8601 UTC: where a range ends (a corrected range must not end after it, whatever our clock says). */
  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** FinPro's clock minus ours, in ms (0 until an answer told it). */
  get skewMs(): number {
    return this.offsetMs ?? 0;
  }
}
