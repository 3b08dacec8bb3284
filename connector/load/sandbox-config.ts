import type { Sandbox } from '../../sandbox/index.js';

/**
 * `sync --sandbox`: a built-in FinPro sandbox for a demo that needs no file and no account.
 * Fixed seed (the same consents every run), fast enough that 1,000 consents finish in
 * seconds, a rate limit generous enough not to dominate a demo, and fast polling.
 */
export const DEMO_SANDBOX = {
  seed: 42,
  /** Bulk processing 40x faster than real time. */
  speed: 40,
  rateLimit: { limit: 100_000, windowMs: 60_000 },
} as const;

export const DEMO_POLLING = { initial_interval_seconds: 0.05, max_interval_seconds: 0.5, max_wait_minutes: 10 } as const;

export async function startDemoSandbox(consents: number): Promise<Sandbox> {
  // Loaded only for --sandbox: a production sync never pulls the sandbox in.
  const { startSandbox } = await import('../../sandbox/index.js');
  return startSandbox({ port: 0, consents, seed: DEMO_SANDBOX.seed, speed: DEMO_SANDBOX.speed, rateLimit: { ...DEMO_SANDBOX.rateLimit } });
}

/** The raw config for the sandbox: a given config file keeps its settings, but points at the sandbox and its consents. */
export function sandboxConfig(sandbox: Sandbox, base: Record<string, unknown> | undefined): Record<string, unknown> {
  const { consent_ids_file: _ignored, ...rest } = base ?? {};
  void _ignored;
  return {
    ...rest,
    base_url: sandbox.url,
    credentials: { ...sandbox.credentials },
    consent_ids: sandbox.consents().map((consent) => consent.id),
    polling: base?.['polling'] ?? { ...DEMO_POLLING },
  };
}
