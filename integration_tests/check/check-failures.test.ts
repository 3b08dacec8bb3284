import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPortUrl,
  makeTempDir,
  runCheck,
  selfSignedHttpsServer,
  silentServer,
  statusServer,
  testConfig,
  writeInputFile,
  type EntrypointOutput,
  type LocalServer,
} from '../support/index.js';

/**
 * `check` must answer every broken setup with exactly one CONNECTION_STATUS FAILED whose
 * message the user can act on, exit 0 (the check itself ran), and print nothing else raw.
 */

function expectFailed(output: EntrypointOutput, messagePattern: RegExp): void {
  expect(output.exitCode).toBe(0);
  expect(output.connectionStatus).toHaveLength(1);
  expect(output.messages.filter((m) => m.type === 'CONNECTION_STATUS')).toHaveLength(1);
  expect(output.connectionStatus[0]!.status).toBe('FAILED');
  expect(output.connectionStatus[0]!.message).toMatch(messagePattern);
  expect(output.errors).toEqual([]);
}

describe('check fails clearly', () => {
  const dir = makeTempDir();
  afterAll(() => dir.remove());

  it('when the config file does not exist', async () => {
    expectFailed(await runCheck(dir.file('no-such-config.json')), /Cannot read the config file .*no such file/);
  });

  it('when the config file is not JSON', async () => {
    const path = writeInputFile(dir.path, 'broken.json', '{"credentials": {"client_id": ');
    expectFailed(await runCheck(path), /config file .* is not valid JSON/);
  });

  it('when a field is invalid, naming the field', async () => {
    expectFailed(await runCheck(testConfig({ extra: { batch_size: 0 } })), /config\.batch_size/);
    expectFailed(await runCheck(testConfig({ baseUrl: 'http://finpro.example.com' })), /config\.base_url/);
  });

  it('when the consent IDs file is missing', async () => {
    const config = testConfig({ extra: { consent_ids: undefined, consent_ids_file: dir.file('missing.csv') } });
    delete config['consent_ids'];
    expectFailed(await runCheck(config), /config\.consent_ids_file: cannot read .*no such file/);
  });

  it('when nothing listens on the host (ECONNREFUSED)', async () => {
    expectFailed(await runCheck(testConfig({ baseUrl: await closedPortUrl() })), /Cannot connect to the FinPro host 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  describe('against misbehaving servers', () => {
    let silent: LocalServer;
    let tls: LocalServer;
    let unauthorized: LocalServer;
    let forbidden: LocalServer;
    let broken: LocalServer;
    const seenSecrets: string[] = [];
    beforeAll(async () => {
      silent = await silentServer();
      tls = await selfSignedHttpsServer();
      unauthorized = await statusServer(401, 'InvalidCredentials', (req) => seenSecrets.push(String(req.headers['client_secret'])));
      forbidden = await statusServer(403, 'Forbidden');
      broken = await statusServer(500, 'InternalError');
    });
    afterAll(async () => {
      await Promise.all([silent, tls, unauthorized, forbidden, broken].map((s) => s?.close()));
    });

    it('when the server never answers (request_timeout_seconds)', async () => {
      const started = Date.now();
      const output = await runCheck(testConfig({ baseUrl: silent.url, extra: { request_timeout_seconds: 1 } }));
      expectFailed(output, /did not answer in time/);
      // Generous bound: the point is that the configured timeout, not a default minute, ended it.
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('when the TLS certificate is self-signed', async () => {
      expectFailed(await runCheck(testConfig({ baseUrl: tls.url })), /TLS handshake with 127\.0\.0\.1:\d+ failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|[A-Z_]+)\)/);
    });

    it('when the credentials are rejected (401), sending the secret only as the header', async () => {
      const config = testConfig({ baseUrl: unauthorized.url });
      expectFailed(await runCheck(config), /rejected the credentials \(HTTP 401 InvalidCredentials\).*client_secret/);
      expect(seenSecrets).toContain(config.credentials.client_secret);
    });

    it('when access is forbidden (403)', async () => {
      expectFailed(await runCheck(testConfig({ baseUrl: forbidden.url })), /HTTP 403/);
    });

    it('when the server answers 500', async () => {
      expectFailed(await runCheck(testConfig({ baseUrl: broken.url })), /HTTP 500 InternalError/);
    });
  });
});
