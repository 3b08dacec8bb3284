import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { requireProtocolYaml } from './repo-paths.js';

/**
 * Validates messages against `definitions/AirbyteMessage` of shared/airbyte/airbyte_protocol.yaml,
 * the protocol's own JSON Schema: an independent check of our zod models, not a copy of them.
 */

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Which payload field a message of each type must carry (the YAML lists them all as optional). */
const PAYLOAD_FIELD: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  TRACE: 'trace',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  CONTROL: 'control',
};

let compiled: ValidateFunction | undefined;

function protocolValidator(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  const document = parseYaml(readFileSync(requireProtocolYaml(), 'utf8')) as { $id?: string };
  // strict: false because the YAML carries generator hints (existingJavaType) that are not JSON Schema keywords.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const id = document.$id ?? 'airbyte_protocol.yaml';
  ajv.addSchema(document, id);
  const validate = ajv.getSchema(`${id}#/definitions/AirbyteMessage`);
  if (validate === undefined) throw new Error(`definitions/AirbyteMessage not found in ${requireProtocolYaml()}`);
  compiled = validate;
  return validate;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Problems with one parsed message; empty when it is valid Airbyte protocol. */
export function protocolErrorsOf(message: unknown): string[] {
  const validate = protocolValidator();
  const problems = validate(message) ? [] : describe(validate.errors);
  if (typeof message === 'object' && message !== null) {
    const type = (message as { type?: unknown }).type;
    const field = typeof type === 'string' ? PAYLOAD_FIELD[type] : undefined;
    if (field !== undefined && (message as Record<string, unknown>)[field] === undefined) {
      problems.push(`/ a ${String(type)} message must carry "${field}"`);
    }
  }
  return problems;
}

/** Problems with one stdout line: not JSON, not an object, or not a valid AirbyteMessage. */
export function protocolErrorsOfLine(line: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return [`not JSON: ${line.slice(0, 200)}`];
  }
  return protocolErrorsOf(parsed);
}

export function assertValidProtocolMessage(message: unknown): void {
  const problems = protocolErrorsOf(message);
  if (problems.length > 0) throw new Error(`Invalid Airbyte message ${JSON.stringify(message).slice(0, 300)}: ${problems.join('; ')}`);
}
