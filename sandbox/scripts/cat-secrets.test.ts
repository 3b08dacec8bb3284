import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  // A container reaches the host through a non-loopback address; tests send traffic to loopback
  // only, so this proves the bind instead: a server bound to 127.0.0.1 alone does not answer on
  // 127.0.0.2, one bound to every interface (0.0.0.0) does.
  it('started with host 0.0.0.0, it listens on every interface, not only 127.0.0.1', async () => {
    const sandbox = await startSandbox({ host: '0.0.0.0', consents: 10 });
    try {
      const url = new URL(sandbox.url);
      expect(url.hostname).toBe('0.0.0.0');
      for (const address of ['127.0.0.1', '127.0.0.2']) {
        const status = await post({ ...sandbox, url: `http://${address}:${url.port}` }, '/bulk/status', { reference_id: 'none', page: 1, limit: 1 });
        expect(status.body?.errorCode, address).toBe('BatchNotFound');
      }
    } finally {
      await sandbox.close();
    }
  });

  it('started on the default host, it does not answer beyond 127.0.0.1', async () => {
    const sandbox = await startSandbox({ consents: 10 });
    try {
      const port = new URL(sandbox.url).port;
      await expect(post({ ...sandbox, url: `http://127.0.0.2:${port}` }, '/bulk/status', { reference_id: 'none', page: 1, limit: 1 })).rejects.toThrow();
    } finally {
      await sandbox.close();
    }
  });
});
