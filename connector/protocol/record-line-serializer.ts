import type { AirbyteMessage } from './airbyte-message.js';

/**
 * The JSON line of a RECORD message, byte for byte what `JSON.stringify(message)` writes,
 * with only the record's `data` going through JSON.stringify: the envelope around it is a
 * prefix kept per stream and the `emitted_at` number. A read writes one line per record, so
 * serialising two wrapper objects and the stream name again for each of a million records is
 * measurable (see bench/micro/read-path-bench.ts). Any message not shaped exactly as
 * `recordMessage` makes it (`{type, record: {stream, data, emitted_at}}`, in that order, no
 * other key) is left to JSON.stringify, so the output never depends on which path wrote it.
 */
const ENVELOPE_KEYS = ['type', 'record'] as const;
const RECORD_KEYS = ['stream', 'data', 'emitted_at'] as const;

const prefixes = new Map<string, string>();

function prefixOf(stream: string): string {
  let prefix = prefixes.get(stream);
  if (prefix === undefined) {
    prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`;
    prefixes.set(stream, prefix);
  }
  return prefix;
}

/** The line of `message` (no newline), or undefined when it is not a RECORD of the factory's shape. */
export function recordLine(message: AirbyteMessage): string | undefined {
  if (message.type !== 'RECORD') return undefined;
  if (!hasExactly(message, ENVELOPE_KEYS)) return undefined;
  const record = message.record;
  if (typeof record !== 'object' || record === null || !hasExactly(record, RECORD_KEYS)) return undefined;
  const { stream, data, emitted_at: emittedAt } = record;
  if (typeof stream !== 'string' || typeof data !== 'object' || data === null || typeof emittedAt !== 'number') return undefined;
  const json = JSON.stringify(data) as string | undefined;
  if (json === undefined) return undefined;
  // JSON writes a non-finite number as null; a finite one as String does.
  return `${prefixOf(stream)}${json},"emitted_at":${Number.isFinite(emittedAt) ? String(emittedAt) : 'null'}}}`;
}

/**
 * `value` is a plain object (no toJSON or enumerable key inherited from a class) whose keys
 * are `keys`, in that order (for...in: no array is made).
 */
export function hasExactly(value: object, keys: readonly string[]): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  let i = 0;
  for (const key in value) if (key !== keys[i++]) return false;
  return i === keys.length;
}
