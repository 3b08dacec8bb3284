import type { FaultMode } from '../sandbox-options.js';
import { pick, unit } from '../util/seeded-hash.js';

/**
 * Decides, from (seed, request sequence number) alone, what goes wrong with a FinPro
 * request. `before` faults answer without running the handler (nothing took effect);
 * `after` faults run the handler and then lose or spoil the answer (it took effect once),
 * which is the case a client must resolve by looking the batch up.
 */
export type FaultPlan =
  | { kind: 'none'; delayMs: number }
  | { kind: 'http_error'; status: 500 | 502 | 503 | 504; html: boolean; timing: 'before' | 'after'; delayMs: number }
  | { kind: 'connection_reset'; timing: 'before' | 'after'; delayMs: number }
  | { kind: 'throttle_429'; retryAfterSeconds: number; delayMs: number };

const NONE: FaultPlan = { kind: 'none', delayMs: 0 };
const STORM_BLOCK = 20;

export class FaultInjector {
  constructor(
    private readonly mode: FaultMode,
    private readonly seed: number,
    private readonly speed: number,
  ) {}

  decide(seq: number): FaultPlan {
    const s = this.seed;
    switch (this.mode) {
      case 'none':
        return NONE;
      case 'flaky': {
        const u = unit(s, 0xf1a4, seq);
        const timing = unit(s, 0x7171, seq) < 0.5 ? 'before' : 'after';
        if (u < 0.05) {
          const status = ([500, 502, 503] as const)[pick(3, s, 0x5747, seq)] ?? 503;
          return { kind: 'http_error', status, html: unit(s, 0x47e1, seq) < 0.35, timing, delayMs: 0 };
        }
        if (u < 0.06) return { kind: 'connection_reset', timing, delayMs: 0 };
        if (u < 0.08) return { kind: 'none', delayMs: this.scaled(300 + pick(1200, s, 0xde1a, seq)) };
        return NONE;
      }
      case 'storm': {
        // Bursts: a block of consecutive requests is either calm or stormy.
        const block = Math.floor(seq / STORM_BLOCK);
        if (unit(s, 0x5704, block) >= 0.35) return NONE;
        const u = unit(s, 0x5705, seq);
        if (u < 0.6) {
          // 1-2 s at speed 1, scaled like every other simulated wait so a storm test at high
          // speed is not seconds of real sleeping. Retry-After is whole seconds: 0 means "now".
          return { kind: 'throttle_429', retryAfterSeconds: Math.round((1 + pick(2, s, 0x7a, seq)) / this.speed), delayMs: 0 };
        }
        if (u < 0.8) {
          const timing = unit(s, 0x7172, seq) < 0.5 ? 'before' : 'after';
          return { kind: 'http_error', status: 503, html: false, timing, delayMs: 0 };
        }
        return NONE;
      }
      case 'slow':
        // Seconds of latency at speed 1; tests pass a high speed to keep it short.
        return { kind: 'none', delayMs: this.scaled(1000 + pick(2000, s, 0x510e, seq)) };
    }
  }

  private scaled(ms: number): number {
    return Math.round(ms / this.speed);
  }
}
