import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigSchema, isDistinctiveSecret, type Config } from './config.js';
import { ConfigError } from './errors/connector-errors.js';
import { parseConsentIdsText } from './consent-ids-text.js';
import { processSecrets } from './protocol/secret-detector.js';

/**
 * I/O around the config: read the file, parse JSON, validate with zod, register the secret to be
 * looked for in output (protocol/secret-detector.ts), and gather the consent list (inline + file)
 * de-duplicated.
 */

/** A config with its consent list resolved: the input `read` plans from. */
export interface ResolvedConfig extends Config {
  /** Every consent, de-duplicated, in first-seen order. */
  consents: string[];
  /** What de-duplication merged that the user may not expect (a UUID spelled in two cases). */
  consentWarnings: string[];
}

export function formatZodIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot read the ${what} file ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? 'read failed'}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`The ${what} file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
}

/** Validates a config object. The secret is registered to be looked for before anything can echo it. */
export function parseConfig(raw: unknown): Config {
  registerSecrets(raw);
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`Invalid config: ${formatZodIssues(result.error, 'config')}.`);
  return result.data;
}

export async function loadConfig(path: string): Promise<ResolvedConfig> {
  const config = parseConfig(await readJsonFile(path, 'config'));
  return resolveConsents(config);
}

export async function resolveConsents(config: Config): Promise<ResolvedConfig> {
  const fromFile = config.consent_ids_file !== undefined ? await readConsentIdsFile(config.consent_ids_file) : [];
  const { consents, warnings } = dedupeConsentIds([...(config.consent_ids ?? []), ...fromFile]);
  if (consents.length === 0) throw new ConfigError('config.consent_ids: no consent IDs given (consent_ids and consent_ids_file are empty).');
  return { ...config, consents, consentWarnings: warnings };
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Consent IDs in first-seen order, each once. A UUID is case-insensitive (RFC 9562), and
 * FinPro's consent IDs are UUIDs, so `ABC...` and `abc...` are one consent: asking for it
 * twice would spend its fetch quota twice. The first spelling is kept and the merge is
 * warned about. Other IDs are compared exactly: the contract does not say they fold case.
 */
export function dedupeConsentIds(ids: readonly string[]): { consents: string[]; warnings: string[] } {
  const firstSpelling = new Map<string, string>();
  const warned = new Set<string>();
  const warnings: string[] = [];
  for (const id of ids) {
    const key = UUID_PATTERN.test(id) ? id.toLowerCase() : id;
    const first = firstSpelling.get(key);
    if (first === undefined) firstSpelling.set(key, id);
    else if (first !== id && !warned.has(id)) {
      warned.add(id);
      warnings.push(`Consent ${id} is consent ${first} in another case (UUIDs ignore case); it is read once, as ${first}.`);
    }
  }
  return { consents: [...firstSpelling.values()], warnings };
}

/** Reads `consent_ids_file` (its formats: consent-ids-text.ts). */
export async function readConsentIdsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config.consent_ids_file: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? 'read failed'}.`);
  }
  return parseConsentIdsText(text, path);
}

function registerSecrets(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) return;
  registerHashKey(raw);
  const credentials = (raw as { credentials?: unknown }).credentials;
  if (typeof credentials !== 'object' || credentials === null) return;
  const secret = (credentials as { client_secret?: unknown }).client_secret;
  // A secret that ordinary text could contain is refused by the schema (its error never echoes
  // it); registering it would withhold ordinary lines that hold `null`, that very error among them.
  if (typeof secret === 'string' && isDistinctiveSecret(secret)) processSecrets.add(secret);
}

/**
 * The HMAC key of personal_data, registered even when malformed (a library could echo it).
 * A key too short to be valid is refused by the schema instead: looking for it could withhold
 * common text, field names included, the very error that refuses it among them.
 */
function registerHashKey(raw: object): void {
  const personal = (raw as { personal_data?: unknown }).personal_data;
  if (typeof personal !== 'object' || personal === null) return;
  const key = (personal as { hash_key?: unknown }).hash_key;
  if (typeof key === 'string' && key.length >= 16) processSecrets.add(key);
}
