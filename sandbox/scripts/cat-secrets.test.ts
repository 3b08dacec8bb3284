import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT } from '../../integration_tests/support/index.js';
import { startSandbox } from '../index.js';
import { post } from '../test-support/sandbox-test-client.js';
import { CAT_CONFIGS, CONTAINER_SANDBOX_URL, catConfig, writeCatConfigs } from './cat-secrets.js';

describe('cat:secrets', () => {
  it('writes both CAT configs from the samples, pointed at the sandbox as a container sees it', () => {
    const dir = makeTempDir();
    const root = dir.path;
    mkdirSync(join(root, 'integration_tests'));
    for (const { from } of CAT_CONFIGS) writeFileSync(join(root, from), readFileSync(join(REPO_ROOT, from)));
    expect(writeCatConfigs(root, CONTAINER_SANDBOX_URL)).toEqual(['secrets/config.json', 'secrets/invalid_config.json']);
    for (const { from, to } of CAT_CONFIGS) {
      const written = JSON.parse(readFileSync(join(root, to), 'utf8')) as Record<string, unknown>;
      const sample = JSON.parse(readFileSync(join(REPO_ROOT, from), 'utf8')) as Record<string, unknown>;
      expect(written).toEqual({ ...sample, base_url: 'http://host.docker.internal:18080' });
      expect(statSync(join(root, to)).mode & 0o077, `${to} readable by others`).toBe(0);
    }
    dir.remove();
  });

  it('refuses a base URL the connector would refuse, naming the field', () => {
    expect(() => catConfig({ ...JSON.parse(readFileSync(join(REPO_ROOT, CAT_CONFIGS[0].from), 'utf8')) }, 'http://10.0.0.5:18080')).toThrow(/base_url/);
  });
});

describe('the sandbox as a container on this machine reaches it', () => {
  it('started with host 0.0.0.0, it answers on this machine\'s non-loopback addresses too', async () => {
    const sandbox = await startSandbox({ host: '0.0.0.0', consents: 10 });
    try {
      const port = new URL(sandbox.url).port;
      // Docker's host.docker.internal is one of these addresses (the bridge or host gateway).
      const external = Object.values(networkInterfaces()).flat().filter((a): a is NonNullable<typeof a> => a !== undefined && a.family === 'IPv4' && !a.internal);
      for (const address of [{ address: '127.0.0.1' }, ...external]) {
        const status = await post({ ...sandbox, url: `http://${address.address}:${port}` }, '/bulk/status', { reference_id: 'none', page: 1, limit: 1 });
        expect(status.body?.errorCode, address.address).toBe('BatchNotFound');
      }
    } finally {
      await sandbox.close();
    }
  });
});
