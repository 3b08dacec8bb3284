import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  closedPortUrl,
  configuredCatalog,
  makeTempDir,
  runCheck,
  runConnector,
  runDiscover,
  runRead,
  runSpec,
  sandboxConfig,
  StateBuilder,
  statusServer,
  testConfig,
  testSecret,
  useSandbox,
  writeInputFile,
} from '../support/index.js';
import { hostileServer } from '../support/hostile-server.js';

/**
 * The configured client_secret must never reach stdout, stderr, logs or state, whatever the
 * command and however it ends. The harness scans every run (see support/secret-scanner.ts);
 * these runs put the secret where a careless error message would pick it up.
 */
describe('the secret never leaks', () => {
  const sandbox = useSandbox({ consents: 20 });
  const dir = makeTempDir();
  afterAll(() => dir.remove());

  it('spec', async () => {
    expect((await runSpec()).exitCode).toBe(0);
  });

  it('check: success, wrong secret, unreachable host, 401 server', async () => {
    expect((await runCheck(sandboxConfig(sandbox()))).connectionStatus[0]!.status).toBe('SUCCEEDED');
    const wrong = sandboxConfig(sandbox());
    wrong.credentials.client_secret = testSecret();
    expect((await runCheck(wrong)).connectionStatus[0]!.status).toBe('FAILED');
    expect((await runCheck(testConfig({ baseUrl: await closedPortUrl() }))).connectionStatus[0]!.status).toBe('FAILED');
    const server = await statusServer(401, 'InvalidCredentials');
    try {
      expect((await runCheck(testConfig({ baseUrl: server.url }))).connectionStatus[0]!.status).toBe('FAILED');
    } finally {
      await server.close();
    }
  });

  it('check and discover when an invalid field sits next to the secret', async () => {
    const config = testConfig({ extra: { batch_size: -1, base_url: 'http://finpro.example.com' } });
    expect((await runCheck(config)).connectionStatus[0]!.status).toBe('FAILED');
    expect((await runDiscover(config)).exitCode).toBe(1);
  });

  it('when the secret is also used as a value that error messages echo (a file path)', async () => {
    const secret = testSecret();
    const config = testConfig({ credentials: { client_secret: secret }, extra: { consent_ids_file: `/nonexistent/${secret}.csv` } });
    const check = await runCheck(config);
    expect(check.connectionStatus[0]).toEqual({ status: 'FAILED', message: 'The check ended with a message that contained a configured secret; it was withheld.' });
    const read = await runRead({ config, catalog: configuredCatalog() });
    expect(read.errors).toEqual([{ message: 'The connector failed; the text of the error contained a configured secret and was withheld.', failure_type: 'config_error' }]);
  });

  it('when the secret is put in a consent ID or the reference prefix', async () => {
    const secret = testSecret();
    const config = testConfig({ credentials: { client_secret: secret }, consentIds: [`${secret} x`], extra: { reference_id_prefix: `${secret}/` } });
    expect((await runDiscover(config)).errors[0]!.failure_type).toBe('config_error');
  });

  it('when the consents file holds the secret on a bad line', async () => {
    const secret = testSecret();
    const file = dir.file('consents.txt');
    writeFileSync(file, `good-id\n${secret} bad\n`);
    const output = await runDiscover(testConfig({ credentials: { client_secret: secret }, extra: { consent_ids_file: file } }));
    expect(output.errors[0]!.message).toMatch(/line 2/);
  });

  it('read with malformed inputs and with state carrying the secret', async () => {
    const config = testConfig();
    const secret = config.credentials.client_secret;
    await runRead({ config, catalog: { streams: [{ bogus: secret }] } });
    await runRead({ config, catalog: configuredCatalog(), state: [{ type: 'LEGACY', data: { token: secret } }] });
    await runRead({ config, catalog: writeInputFile(dir.path, 'broken.json', `{"x": "${secret}`) });
  });

  it('the personal_data hash key, an airbyte_secret too: a message echoing it is withheld, and it is never in a read\'s output or state', async () => {
    const key = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const echoed = testConfig({ extra: { personal_data: { mode: 'hash', hash_key: key }, consent_ids_file: `/nonexistent/${key}.csv` } });
    const check = await runCheck(echoed, { secrets: [key] });
    expect(check.connectionStatus[0]!.message).toBe('The check ended with a message that contained a configured secret; it was withheld.');
    const config = sandboxConfig(sandbox(), { consentCount: 2, extra: { personal_data: { mode: 'hash', hash_key: key } } });
    const output = await runRead({ config, catalog: configuredCatalog() }, { timeoutMs: 120_000, secrets: [key] });
    expect(output.exitCode, output.stderr).toBe(0);
    expect(output.records.length).toBeGreaterThan(0);
  });

  it('a FinPro answer that echoes the client_secret in FI data: no line carries it, and the read stops with a system_error', async () => {
    const config = sandboxConfig(sandbox(), { consentCount: 3 });
    const secret = config.credentials.client_secret;
    const proxy = await hostileServer(sandbox().url, (answer) =>
      answer.route.includes('getallfidata') && answer.nth === 1
        ? { kind: 'text', status: answer.status, body: answer.text.replace(/"narration":"[^"]*"/, `"narration":"refund ${secret}"`), contentType: 'application/json' }
        : { kind: 'pass' },
    );
    onTestFinished(() => proxy.close());
    // runRead throws if the secret reaches stdout or stderr.
    const output = await runRead({ config: { ...config, base_url: proxy.url }, catalog: configuredCatalog() }, { timeoutMs: 120_000 });
    expect(proxy.mutated).toBe(1);
    expect(output.exitCode).toBe(1);
    expect(output.errors).toHaveLength(1);
    expect(output.errors[0]!.failure_type).toBe('system_error');
    expect(output.errors[0]!.message).toMatch(/^A record of stream fi_\w+ carried a configured secret; it was not written/);
    expect(output.stdoutLines.join('\n')).not.toMatch(/\*{10}|withheld/);
  });

  it('read against the sandbox, however far read has come', async () => {
    const config = sandboxConfig(sandbox(), { consentCount: 2, extra: { batch_size: 1 } });
    const state = new StateBuilder().withStreamState('bulk_batches', {}).build();
    const output = await runRead({ config, catalog: configuredCatalog(), state }, { timeoutMs: 120_000 });
    expect(output.exitCode).not.toBeNull();
    for (const state of output.states) expect(JSON.stringify(state)).not.toContain(config.credentials.client_secret);
  });
});
