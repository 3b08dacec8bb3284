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
 * The official Airbyte protocol schema is not ours to copy into the repository. CI has it in
 * the shared folder beside the clone; anyone else can point `AIRBYTE_PROTOCOL_SCHEMA` at a copy
 * of `airbyte_protocol.yaml` (airbytehq/airbyte-protocol, protocol-models/src/main/resources/).
 */
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared');
export const PROTOCOL_YAML = join(SHARED_DIR, 'airbyte', 'airbyte_protocol.yaml');
export const PROTOCOL_SCHEMA_ENV = 'AIRBYTE_PROTOCOL_SCHEMA';

export type ProtocolSchemaSource =
  | { kind: 'official'; path: string }
  /** Only the connector's own zod models are available: `why` says what was looked for. */
  | { kind: 'own-models'; why: string };

/**
 * Which schema every printed line is validated against. An env path that does not exist is a
 * mistake worth stopping for, and CI must run the stricter check, so both throw rather than
 * fall back quietly.
 */
export function protocolSchemaSource(env: NodeJS.ProcessEnv = process.env, besideRepo: string = PROTOCOL_YAML): ProtocolSchemaSource {
  const fromEnv = env[PROTOCOL_SCHEMA_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const path = resolve(fromEnv);
    if (!existsSync(path)) throw new Error(`${PROTOCOL_SCHEMA_ENV}=${fromEnv}: no such file (it should be airbyte_protocol.yaml).`);
    return { kind: 'official', path };
  }
  if (existsSync(besideRepo)) return { kind: 'official', path: besideRepo };
  const why = `the official Airbyte protocol schema is neither at ${besideRepo} nor named by ${PROTOCOL_SCHEMA_ENV}`;
  if (env['CI'] === 'true') {
    throw new Error(`CI=true requires the official protocol schema, but ${why}. CI clones the repository with ../shared beside it.`);
  }
  return { kind: 'own-models', why };
}

export function requireBuiltCli(): string {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`The built CLI ${CLI_PATH} is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
  return CLI_PATH;
}
