/**
 * Writes the configs Airbyte's acceptance tests read (acceptance-test-config.yml names
 * secrets/config.json and secrets/invalid_config.json) from integration_tests/sample_config.json
 * and invalid_config.json, pointed at a sandbox as the connector's container sees it:
 *   npm run cat:secrets [-- --base-url http://host.docker.internal:18080]
 * secrets/ is git-ignored: for a real FinPro account these files would hold its credentials.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../connector/config-reader.js';

/** The host's name inside a container on it (Docker Desktop; `--add-host host.docker.internal:host-gateway` on Linux). */
export const CONTAINER_SANDBOX_URL = 'http://host.docker.internal:18080';

export const CAT_CONFIGS = [
  { from: 'integration_tests/sample_config.json', to: 'secrets/config.json' },
  { from: 'integration_tests/invalid_config.json', to: 'secrets/invalid_config.json' },
] as const;

/** A sample config with its base URL replaced; checked by the connector's own config rules. */
export function catConfig(sample: unknown, baseUrl: string): Record<string, unknown> {
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) throw new Error('the sample config is not a JSON object');
  const config = { ...(sample as Record<string, unknown>), base_url: baseUrl };
  parseConfig(config);
  return config;
}

export function writeCatConfigs(root: string, baseUrl: string): string[] {
  mkdirSync(join(root, 'secrets'), { recursive: true });
  return CAT_CONFIGS.map(({ from, to }) => {
    const config = catConfig(JSON.parse(readFileSync(join(root, from), 'utf8')), baseUrl);
    writeFileSync(join(root, to), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    return to;
  });
}

function baseUrlArgument(argv: readonly string[]): string {
  const at = argv.indexOf('--base-url');
  if (at === -1) return CONTAINER_SANDBOX_URL;
  const value = argv[at + 1];
  if (value === undefined) throw new Error('--base-url needs a URL');
  return value;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  try {
    const baseUrl = baseUrlArgument(process.argv.slice(2));
    for (const written of writeCatConfigs(root, baseUrl)) process.stdout.write(`wrote ${written} (base_url ${baseUrl})\n`);
  } catch (error) {
    process.stderr.write(`cat:secrets: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
