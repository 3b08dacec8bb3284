import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { loadStreamSchema } from '../../connector/streams/schema-reader.js';
import type { EntrypointOutput } from './entrypoint-output.js';

/**
 * Checks records against their stream's `schemas/<stream>.json`, formats included: amounts are
 * `format: decimal` strings (exact, never a float), timestamps `date-time`, dates `date`.
 */
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** A decimal string as the schemas mean it: optional sign, digits, optional fraction. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('decimal', { type: 'string', validate: (value: string) => DECIMAL_PATTERN.test(value) });
const validators = new Map<string, ValidateFunction>();

/** The compiled validator of a stream's record schema. */
export function recordValidator(stream: string): ValidateFunction {
  let validate = validators.get(stream);
  if (validate === undefined) {
    validate = ajv.compile(loadStreamSchema(stream));
    validators.set(stream, validate);
  }
  return validate;
}

/** `stream#index: problem` for every record that does not match its schema. */
export function recordSchemaErrors(output: Pick<EntrypointOutput, 'recordsByStream'>): string[] {
  const problems: string[] = [];
  for (const [stream, records] of output.recordsByStream) {
    const validate = recordValidator(stream);
    records.forEach((record, index) => {
      if (!validate(record)) {
        for (const e of validate.errors ?? []) problems.push(`${stream}#${index}: ${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
      }
    });
  }
  return problems;
}
