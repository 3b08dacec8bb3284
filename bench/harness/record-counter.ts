import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Counts Airbyte messages on a connector's stdout without parsing every record: a RECORD
 * line is recognised by its prefix and only its stream name is read, so the counter (in the
 * bench process) stays cheap next to the connector it measures. Other messages are parsed
 * to keep the error traces and the last state for the report.
 */
const RECORD_PREFIX = Buffer.from('{"type":"RECORD","record":{"stream":"');
const NEWLINE = 0x0a;
const QUOTE = 0x22;

export interface MessageCounts {
  records: Record<string, number>;
  totalRecords: number;
  states: number;
  traces: Record<string, number>;
  errors: string[];
  lines: number;
  bytes: number;
}

export class RecordCounter extends Writable {
  readonly counts: MessageCounts = { records: {}, totalRecords: 0, states: 0, traces: {}, errors: [], lines: 0, bytes: 0 };
  private carry: Buffer | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.counts.bytes += chunk.length;
    let buffer = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start);
      if (end < 0) break;
      this.line(buffer, start, end);
      start = end + 1;
    }
    if (start < buffer.length) this.carry = Buffer.from(buffer.subarray(start));
    buffer = Buffer.alloc(0);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.carry && this.carry.length > 0) this.line(this.carry, 0, this.carry.length);
    this.carry = undefined;
    callback();
  }

  private line(buffer: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.counts.lines++;
    if (end - start > RECORD_PREFIX.length && buffer.compare(RECORD_PREFIX, 0, RECORD_PREFIX.length, start, start + RECORD_PREFIX.length) === 0) {
      const nameStart = start + RECORD_PREFIX.length;
      const nameEnd = buffer.indexOf(QUOTE, nameStart);
      const stream = buffer.toString('utf8', nameStart, nameEnd < 0 || nameEnd > end ? end : nameEnd);
      this.counts.records[stream] = (this.counts.records[stream] ?? 0) + 1;
      this.counts.totalRecords++;
      return;
    }
    this.other(buffer.toString('utf8', start, end));
  }

  private other(text: string): void {
    let message: { type?: string; trace?: { type?: string; error?: { message?: string } } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.counts.errors.push(`not JSON on stdout: ${text.slice(0, 200)}`);
      return;
    }
    if (message.type === 'STATE') this.counts.states++;
    else if (message.type === 'TRACE') {
      const kind = message.trace?.type ?? 'UNKNOWN';
      this.counts.traces[kind] = (this.counts.traces[kind] ?? 0) + 1;
      if (kind === 'ERROR') this.counts.errors.push(message.trace?.error?.message ?? 'TRACE ERROR without message');
    } else if (message.type === 'RECORD') {
      // A RECORD whose keys came in another order: still count it.
      const stream = (message as { record?: { stream?: string } }).record?.stream ?? 'unknown';
      this.counts.records[stream] = (this.counts.records[stream] ?? 0) + 1;
      this.counts.totalRecords++;
    }
  }
}

/** Counts the messages of a captured stdout file (after the run, off the clock). */
export async function countMessagesInFile(path: string): Promise<MessageCounts> {
  const counter = new RecordCounter();
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), counter);
  return counter.counts;
}
