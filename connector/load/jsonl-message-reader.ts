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

/** The record JSON text of placeholder `data` objects (see readMessages' rawRecords). */
const rawRecordData = new WeakMap<object, string>();

/**
 * The JSON text of a record's data when the reader handed the record over unparsed
 * (`rawRecords`); then `data` itself is an empty placeholder. Undefined for a parsed record.
 */
export function rawRecordJson(data: object): string | undefined {
  return rawRecordData.get(data);
}

const RECORD_PREFIX = '{"type":"RECORD","record":{"stream":"';
const RECORD_SUFFIX = /^\},"emitted_at":(\d{1,16})\}\}$/;
const STREAM_NAME = /^[A-Za-z0-9_]{1,128}$/;

/**
 * A RECORD line exactly as Airbyte sources (ours included) print it, `{"type":"RECORD",
 * "record":{"stream":"s","data":{...},"emitted_at":n}}`, as a message whose data stays JSON
 * text: JSON.parse of every line was the largest JS cost of a DuckDB load, which parses the
 * data itself. Any other line shape is parsed as usual. Malformed JSON inside `data` is not
 * caught here but by the database: DuckDbDestination drops such records with a warning.
 */
function rawRecord(line: string): MessageOf<'RECORD'> | undefined {
  if (!line.startsWith(RECORD_PREFIX)) return undefined;
  const nameEnd = line.indexOf('"', RECORD_PREFIX.length);
  const stream = line.slice(RECORD_PREFIX.length, nameEnd);
  if (nameEnd < 0 || !STREAM_NAME.test(stream) || !line.startsWith('","data":{', nameEnd)) return undefined;
  // The tail is matched from its own start: a regex anchored at $ would scan a 12 KB line.
  const tail = line.lastIndexOf('},"emitted_at":');
  const suffix = tail < 0 ? null : RECORD_SUFFIX.exec(line.slice(tail));
  const emittedAt = suffix === null ? NaN : Number(suffix[1]);
  if (suffix === null || !Number.isSafeInteger(emittedAt)) return undefined;
  const data = {};
  rawRecordData.set(data, line.slice(nameEnd + '","data":'.length, tail + 1));
  return { type: 'RECORD', record: { stream, data, emitted_at: emittedAt } };
}

/**
 * Airbyte messages from a JSON-lines stream (a source's stdout). Like the platform, lines
 * that are not protocol messages (a stray print) are reported and skipped, not fatal.
 * Pulling one line at a time keeps backpressure: a slow load pauses the pipe. With
 * `rawRecords`, records in the usual shape come unparsed (see rawRecord, rawRecordJson).
 */
export async function* readMessages(
  input: Readable,
  onSkipped: (lineNumber: number, reason: string) => void,
  options: { rawRecords?: boolean } = {},
): AsyncGenerator<AirbyteMessage> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (options.rawRecords === true) {
      const record = rawRecord(line);
      if (record !== undefined) {
        yield record;
        continue;
      }
    }
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
