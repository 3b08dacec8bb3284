import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AirbyteMessage, type MessageOf } from '../protocol/airbyte-message.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * True when `raw` is a RECORD message exactly as `AirbyteMessage` accepts it (loose objects:
 * extra keys pass through; `data` any JSON object). Records are nearly every line, and zod's
 * parse copies each one (0.55 s of JS and much of the GC on 120k records), so a valid record
 * is taken as parsed; anything else, a malformed record included, goes through zod and its messages.
 */
export function isPlainRecordMessage(raw: unknown): raw is MessageOf<'RECORD'> {
  if (!isObject(raw) || raw['type'] !== 'RECORD') return false;
  const record = raw['record'];
  if (!isObject(record) || typeof record['stream'] !== 'string' || !isObject(record['data']) || !Number.isSafeInteger(record['emitted_at'])) return false;
  return record['namespace'] === undefined || typeof record['namespace'] === 'string';
}

/**
 * Airbyte messages from a JSON-lines stream (a source's stdout). Like the platform, lines
 * that are not protocol messages (a stray print) are reported and skipped, not fatal.
 * Pulling one line at a time keeps backpressure: a slow load pauses the pipe.
 */
export async function* readMessages(input: Readable, onSkipped: (lineNumber: number, reason: string) => void): AsyncGenerator<AirbyteMessage> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      onSkipped(lineNumber, 'not JSON');
      continue;
    }
    if (isPlainRecordMessage(raw)) {
      yield raw;
      continue;
    }
    const parsed = AirbyteMessage.safeParse(raw);
    if (!parsed.success) {
      onSkipped(lineNumber, `not an Airbyte message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      continue;
    }
    yield parsed.data;
  }
}
