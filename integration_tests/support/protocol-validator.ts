import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { AirbyteMessage } from '../../connector/protocol/airbyte-message.js';
import { protocolSchemaSource } from './repo-paths.js';

/**
 * Validates messages against `definitions/AirbyteMessage` of the official
 * airbyte_protocol.yaml when it is available (see `protocolSchemaSource`): an independent
 * check of our zod models, not a copy of them. Without it, against those zod models, which
 * still catch a wrong shape but share any misreading of the protocol with the connector.
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

type Check = (message: unknown) => string[];

let compiled: Check | undefined;

function officialCheck(path: string): Check {
  const document = parseYaml(readFileSync(path, 'utf8')) as { $id?: string };
  // strict: false because the YAML carries generator hints (existingJavaType) that are not JSON Schema keywords.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const id = document.$id ?? 'airbyte_protocol.yaml';
  ajv.addSchema(document, id);
  const validate = ajv.getSchema(`${id}#/definitions/AirbyteMessage`);
  if (validate === undefined) throw new Error(`definitions/AirbyteMessage not found in ${path}`);
  return (message) => (validate(message) ? [] : describe(validate.errors));
}

/** The fallback check alone (exported so its test runs whichever schema this machine has). */
export function ownModelsCheck(message: unknown): string[] {
  const parsed = AirbyteMessage.safeParse(message);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `/${issue.path.join('/')} ${issue.message}`);
}

function protocolCheck(): Check {
  if (compiled !== undefined) return compiled;
  const source = protocolSchemaSource();
  compiled = source.kind === 'official' ? officialCheck(source.path) : ownModelsCheck;
  return compiled;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Problems with one parsed message; empty when it is valid Airbyte protocol. */
export function protocolErrorsOf(message: unknown): string[] {
  const problems = protocolCheck()(message);
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
