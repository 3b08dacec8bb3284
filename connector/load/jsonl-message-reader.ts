import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AirbyteMessage } from '../protocol/airbyte-message.js';

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
    const parsed = AirbyteMessage.safeParse(raw);
    if (!parsed.success) {
      onSkipped(lineNumber, `not an Airbyte message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      continue;
    }
    yield parsed.data;
  }
}
