import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { CONSENT_ID_PATTERN, ConfigSchema, type Config } from './config.js';
import { ConfigError } from './errors/connector-errors.js';
import { processRedactor } from './protocol/secret-redactor.js';

/**
 * I/O around the config: read the file, parse JSON, validate with zod, register the secret
 * with the redactor, and gather the consent list (inline + file) de-duplicated.
 */

/** A config with its consent list resolved: the input `read` plans from. */
export interface ResolvedConfig extends Config {
  /** Every consent, de-duplicated, in first-seen order. */
  consents: string[];
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

/** Validates a config object. The secret is registered for redaction before anything can echo it. */
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
  const consents = [...new Set([...(config.consent_ids ?? []), ...fromFile])];
  if (consents.length === 0) throw new ConfigError('config.consent_ids: no consent IDs given (consent_ids and consent_ids_file are empty).');
  return { ...config, consents };
}

/**
 * One ID a line, or a CSV whose header has a `consent_id`/`consentId` column. Blank lines
 * and a UTF-8 BOM are tolerated; an invalid ID is an error naming the line.
 */
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

export function parseConsentIdsText(text: string, source: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim().replace(/^"|"$/g, ''));
  const column = header.findIndex((cell) => cell === 'consent_id' || cell === 'consentId');
  const isCsv = column >= 0;
  if (!isCsv && header.length > 1) {
    throw new ConfigError(`config.consent_ids_file: ${source} looks like a CSV but has no consent_id or consentId column.`);
  }
  const ids: string[] = [];
  for (let i = isCsv ? 1 : 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const id = (isCsv ? (line.split(',')[column] ?? '') : line).trim().replace(/^"|"$/g, '');
    if (!CONSENT_ID_PATTERN.test(id)) {
      throw new ConfigError(`config.consent_ids_file: line ${i + 1} of ${source} is not a valid consent ID (1-128 of A-Z a-z 0-9 _ - .).`);
    }
    ids.push(id);
  }
  if (ids.length === 0) throw new ConfigError(`config.consent_ids_file: ${source} holds no consent IDs.`);
  return ids;
}

function registerSecrets(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) return;
  registerHashKey(raw);
  const credentials = (raw as { credentials?: unknown }).credentials;
  if (typeof credentials !== 'object' || credentials === null) return;
  const secret = (credentials as { client_secret?: unknown }).client_secret;
  if (typeof secret === 'string') processRedactor.add(secret);
}

/**
 * The HMAC key of personal_data, registered even when malformed (a library could echo it).
 * A key too short to be valid is refused by the schema instead: redacting it could blank out
 * common text, field names included, in the very error that refuses it.
 */
function registerHashKey(raw: object): void {
  const personal = (raw as { personal_data?: unknown }).personal_data;
  if (typeof personal !== 'object' || personal === null) return;
  const key = (personal as { hash_key?: unknown }).hash_key;
  if (typeof key === 'string' && key.length >= 16) processRedactor.add(key);
}
