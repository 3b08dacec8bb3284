import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './http/sandbox-router.js';
import { listConsents, type SandboxConsent } from './http/introspection-routes.js';
import { createSandboxContext } from './sandbox-context.js';
import { resolveSandboxOptions, SANDBOX_CREDENTIALS, type SandboxCredentials, type SandboxOptions } from './sandbox-options.js';
import type { SandboxStats } from './stats/sandbox-stats.js';
import type { ConsentScenario } from './population/consent-scenario.js';

export { SANDBOX_CREDENTIALS, SANDBOX_DEFAULTS, SandboxOptionsError, FAULT_MODES, FI_SHAPES } from './sandbox-options.js';
export type { SandboxOptions, SandboxCredentials, FaultMode, FiShape, RateLimitOptions } from './sandbox-options.js';
export type { SandboxStats, FaultEvent, FiRequestRecord } from './stats/sandbox-stats.js';
export type { SandboxConsent } from './http/introspection-routes.js';
export { CONSENT_SCENARIOS, type ConsentScenario } from './population/consent-scenario.js';

export interface Sandbox {
  /** e.g. http://127.0.0.1:39215 (no trailing slash). */
  url: string;
  credentials: SandboxCredentials;
  close(): Promise<void>;
  /** Every consent with its scenario and accounts; pass a scenario to filter. */
  consents(scenario?: ConsentScenario): SandboxConsent[];
  stats(): SandboxStats;
  resetStats(): void;
}

/** Starts a FinPro sandbox on loopback. `port: 0` (the default here) picks a free port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveSandboxOptions(options);
  const ctx = createSandboxContext(resolved, resolved.clockOffsetMs === 0 ? Date.now : () => Date.now() + resolved.clockOffsetMs);
  let url = '';
  const handler = createRequestHandler(ctx, () => url);
  const server = createServer({ keepAlive: true }, (req, res) => {
    handler(req, res).catch((error: unknown) => {
      // A handler bug must not take the server down; answer 500 if nothing was sent yet.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: benchmark clients open hundreds of connections at once.
    server.listen({ port: resolved.port, host: resolved.host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    credentials: { ...SANDBOX_CREDENTIALS },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    consents: (scenario) => listConsents(ctx, scenario),
    stats: () => ctx.stats.snapshot(),
    resetStats: () => ctx.stats.reset(),
  };
}
