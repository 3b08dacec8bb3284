import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Splits a captured `read` (Airbyte JSON lines) into one newline-delimited file of record
 * data per stream: the input of a database's own bulk ingest, holding exactly the records
 * the connector's `load` gets.
 */
export async function splitRecordsByStream(input: string, dir: string): Promise<{ files: { table: string; path: string }[]; records: Record<string, number> }> {
  const writers = new Map<string, WriteStream>();
  const records: Record<string, number> = {};
  const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"type":"RECORD"')) continue;
    const message = JSON.parse(line) as { record: { stream: string; data: unknown } };
    const stream = message.record.stream;
    let writer = writers.get(stream);
    if (!writer) {
      writer = createWriteStream(join(dir, `${stream}.jsonl`));
      writers.set(stream, writer);
    }
    records[stream] = (records[stream] ?? 0) + 1;
    if (!writer.write(`${JSON.stringify(message.record.data)}\n`)) await once(writer, 'drain');
  }
  const files: { table: string; path: string }[] = [];
  for (const [stream, writer] of writers) {
    writer.end();
    await once(writer, 'finish');
    files.push({ table: stream, path: join(dir, `${stream}.jsonl`) });
  }
  return { files, records };
}
