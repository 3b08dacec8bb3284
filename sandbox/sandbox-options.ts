import { FI_SHAPES, type FiShape } from './population/fi-shape.js';

/** Options of a sandbox, shared by `startSandbox` and the `sandbox` CLI command. */
export { FI_SHAPES, type FiShape };
export type FaultMode = 'none' | 'flaky' | 'storm' | 'slow';
export const FAULT_MODES: readonly FaultMode[] = ['none', 'flaky', 'storm', 'slow'];

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

export interface SandboxOptions {
  /** 0 picks a free port. Default 0 programmatically (the CLI defaults to 8080). */
  port?: number;
  host?: string;
  seed?: number;
  consents?: number;
  faults?: FaultMode;
  rateLimit?: RateLimitOptions;
  /** Divides every simulated duration (processing, pickup, fault latency). */
  speed?: number;
  /** Bulk rows started per second per batch, at speed 1. */
  rowsPerSecond?: number;
  /** How long fetched data stays readable after a session is ready (not scaled by speed). */
  dataLifeMs?: number;
  /** Added to this machine's clock for everything the sandbox dates (a FinPro whose clock is off). */
  clockOffsetMs?: number;
  /** How FI data is spelled: FinPro's capitalised shape, lower-case containers, or every variant by FIP. */
  fiShape?: FiShape;
}

export interface ResolvedSandboxOptions {
  port: number;
  host: string;
  seed: number;
  consents: number;
  faults: FaultMode;
  rateLimit: RateLimitOptions;
  speed: number;
  rowsPerSecond: number;
  dataLifeMs: number;
  clockOffsetMs: number;
  fiShape: FiShape;
}

export const SANDBOX_DEFAULTS: Omit<ResolvedSandboxOptions, 'port'> = {
  host: '127.0.0.1',
  seed: 42,
  consents: 1000,
  faults: 'none',
  rateLimit: { limit: 1000, windowMs: 60_000 },
  speed: 1,
  rowsPerSecond: 250,
  dataLifeMs: 24 * 60 * 60 * 1000,
  clockOffsetMs: 0,
  fiShape: 'finpro',
};

/** Largest population: the consent-id codec carries the index in 48 bits, memory is flat. */
export const MAX_CONSENTS = 10_000_000;

export class SandboxOptionsError extends Error {
  override readonly name = 'SandboxOptionsError';
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SandboxOptionsError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new SandboxOptionsError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

export function resolveSandboxOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  const d = SANDBOX_DEFAULTS;
  const faults = options.faults ?? d.faults;
  if (!FAULT_MODES.includes(faults)) {
    throw new SandboxOptionsError(`faults must be one of ${FAULT_MODES.join(', ')}, got ${String(faults)}`);
  }
  const fiShape = options.fiShape ?? d.fiShape;
  if (!FI_SHAPES.includes(fiShape)) {
    throw new SandboxOptionsError(`fiShape must be one of ${FI_SHAPES.join(', ')}, got ${String(fiShape)}`);
  }
  const rateLimit = options.rateLimit ?? d.rateLimit;
  return {
    port: integer('port', options.port ?? 0, 0, 65_535),
    host: options.host ?? d.host,
    seed: integer('seed', options.seed ?? d.seed, 0, 2 ** 32 - 1),
    consents: integer('consents', options.consents ?? d.consents, 0, MAX_CONSENTS),
    faults,
    rateLimit: {
      limit: integer('rateLimit.limit', rateLimit.limit, 1, 1_000_000_000),
      windowMs: integer('rateLimit.windowMs', rateLimit.windowMs, 1, 86_400_000),
    },
    speed: positive('speed', options.speed ?? d.speed),
    rowsPerSecond: positive('rowsPerSecond', options.rowsPerSecond ?? d.rowsPerSecond),
    dataLifeMs: positive('dataLifeMs', options.dataLifeMs ?? d.dataLifeMs),
    clockOffsetMs: integer('clockOffsetMs', options.clockOffsetMs ?? d.clockOffsetMs, -365 * 86_400_000, 365 * 86_400_000),
    fiShape,
  };
}

/**
 * Fixed, documented demo credentials. They only ever unlock a loopback sandbox: never use
 * them (or anything like them) against FinPro itself.
 */
export const SANDBOX_CREDENTIALS = Object.freeze({
  client_id: 'sandbox-client',
  client_secret: 'sandbox-secret-do-not-use-in-prod',
  app_identifier: 'com.example.finpro',
  organisation_id: 'sandbox-org',
});
export type SandboxCredentials = { client_id: string; client_secret: string; app_identifier: string; organisation_id: string };
