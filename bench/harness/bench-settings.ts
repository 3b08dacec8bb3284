import type { SandboxOptions } from '../../sandbox/index.js';

/**
 * Settings shared by the benches, in one place so the report and the code cannot disagree.
 * "Fast": provider processing sped up 50x (a 1,000-row batch completes in well under a
 * second), no faults, and a rate limit too large to matter, so a bench measures the client.
 */
export const FAST_SANDBOX: SandboxOptions = {
  faults: 'none',
  speed: 50,
  rateLimit: { limit: 1_000_000_000, windowMs: 1000 },
  seed: 7,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** The FI data range of a bench: `days` ending a minute ago (FinPro refuses ranges that end after now). */
export function dataRange(days: number, now: number = Date.now()): { from: string; to: string } {
  const to = Math.floor((now - 60_000) / 1000) * 1000;
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

/** The connector's defaults the baselines copy (config.ts: batch_size 1000, max_concurrency 8). */
export const CONNECTOR_BATCH_SIZE = 1000;
export const CONNECTOR_CONCURRENCY = 8;
