import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { registerSecret } from './secret-scanner.js';

/**
 * A FinPro sandbox for a test file: `const sandbox = useSandbox({ consents: 50 })` starts one
 * in `beforeAll` (a free loopback port) and closes it in `afterAll`; call `sandbox()` inside
 * tests to get it. Its client_secret is registered with the secret scanner, so every run
 * against it also proves the secret never leaks.
 */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ consents: 100, ...options });
    registerSecret(sandbox.credentials.client_secret);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return () => {
    if (sandbox === undefined) throw new Error('useSandbox(): the sandbox is only available inside tests (after beforeAll)');
    return sandbox;
  };
}

/** Starts a sandbox outside vitest hooks (remember to `close()` it). */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ consents: 100, ...options });
  registerSecret(sandbox.credentials.client_secret);
  return sandbox;
}

/**
 * A config pointing at the sandbox with its demo credentials. Consents default to the first
 * `consentCount` ACTIVE ones; `extra` replaces top-level fields.
 */
export function sandboxConfig(
  sandbox: Sandbox,
  options: { consentIds?: string[]; consentCount?: number; extra?: Record<string, unknown> } = {},
): Record<string, unknown> & { credentials: Sandbox['credentials'] } {
  const consentIds = options.consentIds ?? sandbox.consents('ACTIVE').slice(0, options.consentCount ?? 5).map((c) => c.id);
  return {
    credentials: { ...sandbox.credentials },
    base_url: sandbox.url,
    consent_ids: consentIds,
    polling: { initial_interval_seconds: 0.05, max_interval_seconds: 0.5, max_wait_minutes: 5 },
    request_timeout_seconds: 10,
    ...options.extra,
  };
}
