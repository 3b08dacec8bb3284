import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where things are, resolved from the repository root (never from the current directory, so
 * a test behaves the same whichever folder vitest was started in).
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built CLI every black-box test spawns (`npm run build` writes it; `npm test` builds first). */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'connector', 'main.js');

/**
 * The shared folder (protocol YAML, API contract) sits beside the repository: CI clones the
 * repo with `shared/` next to it. Absent means a broken checkout, so say exactly that.
 */
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared');
export const PROTOCOL_YAML = join(SHARED_DIR, 'airbyte', 'airbyte_protocol.yaml');

export function requireProtocolYaml(): string {
  if (!existsSync(PROTOCOL_YAML)) {
    throw new Error(
      `Airbyte protocol schema not found at ${PROTOCOL_YAML}. The tests expect the shared folder beside the repository ` +
        `(../shared relative to ${REPO_ROOT}), holding airbyte/airbyte_protocol.yaml.`,
    );
  }
  return PROTOCOL_YAML;
}

export function requireBuiltCli(): string {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`The built CLI ${CLI_PATH} is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
  return CLI_PATH;
}
