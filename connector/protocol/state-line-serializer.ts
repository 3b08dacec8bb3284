import type { AirbyteMessage } from './airbyte-message.js';
import { frozenJson } from './frozen-json.js';
import { hasExactly } from './record-line-serializer.js';

/**
 * The JSON line of a per-stream STATE message, byte for byte what `JSON.stringify(message)`
 * writes, with each deeply frozen value of the stream state (the shared `base`, frozen by the
 * state manager) written from its remembered text (frozen-json.ts) instead of serialised again
 * for each stream at each checkpoint. Any message not shaped exactly as `streamStateMessage`
 * makes it is left to JSON.stringify, as in record-line-serializer.ts. A sync's loader stores the
 * same states (stateJson), so its last commit does not serialise the base per stream either.
 */
const ENVELOPE_KEYS = ['type', 'state'] as const;
const STATE_KEYS = ['type', 'stream', 'sourceStats'] as const;
const STREAM_KEYS = ['stream_descriptor', 'stream_state'] as const;
const DESCRIPTOR_KEYS = ['name'] as const;
const STATS_KEYS = ['recordCount'] as const;

/** The line of `message` (no newline), or undefined when it is not a STREAM STATE of the factory's shape. */
export function stateLine(message: AirbyteMessage): string | undefined {
  if (message.type !== 'STATE' || !hasExactly(message, ENVELOPE_KEYS)) return undefined;
  const state = stateJson(message.state);
  return state === undefined ? undefined : '{"type":"STATE","state":' + state + '}';
}

/**
 * `JSON.stringify(state)` of the `state` of such a message, as a destination stores it
 * (commit-transaction.ts), or undefined when it is not of the factory's shape.
 */
export function stateJson(state: unknown): string | undefined {
  if (!isObject(state) || !hasExactly(state, STATE_KEYS) || state.type !== 'STREAM') return undefined;
  const { stream, sourceStats } = state;
  if (!isObject(stream) || !hasExactly(stream, STREAM_KEYS) || !isObject(sourceStats) || !hasExactly(sourceStats, STATS_KEYS)) return undefined;
  const descriptor = stream.stream_descriptor;
  if (!isObject(descriptor) || !hasExactly(descriptor, DESCRIPTOR_KEYS) || typeof descriptor.name !== 'string') return undefined;
  if (typeof sourceStats.recordCount !== 'number') return undefined;
  const body = streamStateJson(stream.stream_state);
  if (body === undefined) return undefined;
  return (
    '{"type":"STREAM","stream":{"stream_descriptor":{"name":' + JSON.stringify(descriptor.name) + '},' +
    '"stream_state":' + body + '},"sourceStats":{"recordCount":' + JSON.stringify(sourceStats.recordCount) + '}}'
  );
}

/**
 * JSON.stringify of a plain stream-state object, member by member: a member whose value
 * JSON omits (undefined, a function, a symbol) is left out as JSON leaves it out. A value with
 * a `toJSON` is left to JSON.stringify of the whole message, which passes it its key.
 */
function streamStateJson(value: unknown): string | undefined {
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return undefined;
  // Concatenated, not joined: `+` keeps the remembered text as it is, where join would copy it.
  let body = '';
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    const member = value[key];
    if (isObject(member) && 'toJSON' in member) return undefined;
    const json = (isObject(member) ? frozenJson(member) : undefined) ?? (JSON.stringify(member) as string | undefined);
    if (json !== undefined) body += (body === '' ? '' : ',') + JSON.stringify(key) + ':' + json;
  }
  return '{' + body + '}';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
