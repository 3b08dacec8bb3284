import { readFile, writeFile } from 'node:fs/promises';
import { configJsonSchema } from './config.js';
import { SPEC_FILE } from './package-paths.js';
import type { ConnectorSpecification } from './protocol/airbyte-message.js';

export const DOCUMENTATION_URL = 'https://developer.moneyone.in';

/** The ConnectorSpecification, built from the zod config schema (the one source of truth). */
export function buildSpec(): ConnectorSpecification {
  const connectionSpecification = configJsonSchema();
  delete connectionSpecification['$schema'];
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification: { $schema: 'http://json-schema.org/draft-07/schema#', ...connectionSpecification },
    supportsIncremental: true,
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
  };
}

export function specFileText(): string {
  return JSON.stringify(buildSpec(), null, 2) + '\n';
}

/** `npm run spec:generate` rewrites spec/spec.json; a test fails when it is stale. */
export async function writeSpecFile(): Promise<void> {
  await writeFile(SPEC_FILE, specFileText());
}

export async function readSpecFile(): Promise<string> {
  return readFile(SPEC_FILE, 'utf8');
}
