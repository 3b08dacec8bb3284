import { describe, expect, it } from 'vitest';
import { runCheck, sandboxConfig, testSecret, useSandbox } from '../support/index.js';

/** `check` against a real (sandbox) FinPro: succeeds with the right credentials, and never schedules anything. */
describe('check against the sandbox', () => {
  const sandbox = useSandbox({ consents: 20 });

  it('SUCCEEDED with the demo credentials, one CONNECTION_STATUS, nothing scheduled', async () => {
    sandbox().resetStats();
    const output = await runCheck(sandboxConfig(sandbox()));
    expect(output.exitCode).toBe(0);
    expect(output.messages.map((m) => m.type)).toEqual(['CONNECTION_STATUS']);
    expect(output.connectionStatus[0]).toEqual({ status: 'SUCCEEDED' });
    const stats = sandbox().stats();
    expect(stats.requests.total).toBeGreaterThan(0);
    expect(stats.schedule_calls).toEqual({});
    expect(stats.batches_created).toEqual({});
    expect(stats.fi_requests).toEqual({});
    expect(stats.sessions_created).toBe(0);
    expect(stats.getallfidata.requests).toBe(0);
  });

  it('FAILED naming the credentials when the secret is wrong (401)', async () => {
    const config = sandboxConfig(sandbox());
    config.credentials.client_secret = testSecret();
    const output = await runCheck(config);
    expect(output.exitCode).toBe(0);
    expect(output.connectionStatus).toHaveLength(1);
    expect(output.connectionStatus[0]!.status).toBe('FAILED');
    expect(output.connectionStatus[0]!.message).toMatch(/rejected the credentials \(HTTP 401/);
  });
});
