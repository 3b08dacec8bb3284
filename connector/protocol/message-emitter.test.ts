import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AirbyteMessage } from './airbyte-message.js';
import { CollectingSink, MessageEmitter, StdoutEmitter, type MessageSink } from './message-emitter.js';
import { SecretInOutputError } from '../errors/connector-errors.js';
import { errorTraceMessage, logMessage, recordMessage, streamStateMessage, streamStatusMessage } from './message-factory.js';
import { SecretDetector } from './secret-detector.js';

/**
 * A consumer that reads only when told to: `write` callbacks are held until `release()` (or,
 * after `resume()`, not at all), so the stream's buffer fills and `write()` returns false,
 * exactly like a slow pipe reader.
 */
class PausedConsumer extends Writable {
  readonly received: string[] = [];
  private held: Array<() => void> = [];
  private flowing = false;
  constructor(highWaterMark: number) {
    super({ highWaterMark, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received.push(String(chunk));
    if (this.flowing) callback();
    else this.held.push(() => callback());
  }
  release(): void {
    const held = this.held;
    this.held = [];
    for (const done of held) done();
  }
  /** Reads from now on, as a reader that caught up: every write completes, later ones at once. */
  resume(): void {
    this.flowing = true;
    this.release();
  }
  lines(): string[] {
    return this.received.join('').split('\n').filter((l) => l !== '');
  }
}

const record = (i: number) => recordMessage('fi_transactions', { txn_id: `t${i}`, amount: '1.00', pad: 'x'.repeat(200) }, () => 0);

describe('StdoutEmitter', () => {
  it('writes one JSON object per line, in order', async () => {
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, new SecretDetector());
    for (let i = 0; i < 3; i++) emitter.emit(record(i));
    const closing = emitter.close();
    out.resume();
    await closing;
    expect(out.lines().map((l) => (JSON.parse(l) as { record: { data: { txn_id: string } } }).record.data.txn_id)).toEqual(['t0', 't1', 't2']);
  });

  it('closes only once the output has taken every line, even when no write filled it (process.exit would drop them)', async () => {
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, new SecretDetector());
    emitter.emit(streamStatusMessage('fi_data', 'INCOMPLETE'));
    let closed = false;
    const closing = emitter.close().then(() => (closed = true));
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(out.writableNeedDrain).toBe(false);
    expect(closed).toBe(false);
    out.resume();
    await closing;
    expect(out.writableLength).toBe(0);
  });

  it('buffers records but flushes at once on STATE and TRACE, after the records before them', () => {
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, new SecretDetector());
    emitter.emit(record(1));
    expect(out.received).toEqual([]);
    emitter.emit(streamStateMessage('fi_transactions', { cursor: 'c' }, 1));
    expect(out.lines().map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['RECORD', 'STATE']);
  });

  it('stalls the producer on a full pipe until drain, keeping memory bounded', async () => {
    const highWaterMark = 16 * 1024;
    const out = new PausedConsumer(highWaterMark);
    const emitter = new StdoutEmitter(out, new SecretDetector());
    let produced = 0;
    let maxPending = 0;
    let stalled = false;
    const producer = (async () => {
      for (let i = 0; i < 5_000; i++) {
        const pending = emitter.emit(record(i));
        produced++;
        maxPending = Math.max(maxPending, out.writableLength);
        if (pending) {
          stalled = true;
          await pending;
        }
      }
      await emitter.close();
    })();
    // Let the producer run as far as it can while nothing is read.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stalled).toBe(true);
    const producedWhilePaused = produced;
    // It stopped after about one flush chunk (64 KiB of ~250-byte lines), not after all 5,000.
    expect(producedWhilePaused).toBeLessThan(400);
    expect(out.listenerCount('drain')).toBeGreaterThan(0);
    // Resume reading until the producer is done.
    let done = false;
    void producer.then(() => (done = true));
    while (!done) {
      out.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await producer;
    expect(out.lines()).toHaveLength(5_000);
    // The pipe never held much more than one flush chunk beyond its high-water mark.
    expect(maxPending).toBeLessThan(highWaterMark + 128 * 1024);
  });

  it('writes a log or error trace that carried a secret (plain or JSON-escaped) as one saying it was withheld, never the text masked', async () => {
    const secrets = new SecretDetector();
    secrets.add('s3cr3t"quoted');
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, secrets);
    emitter.emit(logMessage('WARN', 'the secret is s3cr3t"quoted'));
    emitter.emit(errorTraceMessage({ message: 'failed with s3cr3t"quoted', internalMessage: 'url?k=s3cr3t"quoted', failureType: 'transient_error', stream: 'fi_data' }, () => 7));
    emitter.emit(logMessage('INFO', 'an ordinary line'));
    const closing = emitter.close();
    out.resume();
    await closing;
    const text = out.received.join('');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('***');
    const [log, trace, ordinary] = text.trimEnd().split('\n').map((line) => JSON.parse(line) as AirbyteMessage);
    expect(log).toEqual({ type: 'LOG', log: { level: 'WARN', message: 'A log message was withheld: its text contained a configured secret.' } });
    expect(trace).toEqual({
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: 7,
        error: { message: 'The connector failed; the text of the error contained a configured secret and was withheld.', failure_type: 'transient_error', stream_descriptor: { name: 'fi_data' } },
      },
    });
    expect(ordinary).toEqual(logMessage('INFO', 'an ordinary line'));
  });

  it('never writes a record that carried a secret: the lines before it go out, then the sync stops', () => {
    const secrets = new SecretDetector();
    secrets.add('s3cr3t-in-a-record');
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, secrets);
    emitter.emit(record(1));
    emitter.emit(recordMessage('fi_transactions', { txn_id: 't2', narration: 'paid s3cr3t-in-a-record' }, () => 0));
    emitter.emit(record(3));
    expect(() => emitter.flush()).toThrow(SecretInOutputError);
    expect(() => emitter.flush()).not.toThrow();
    const lines = out.received.join('').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { record: { data: { txn_id: string } } }).record.data.txn_id)).toEqual(['t1']);
    out.release();
  });
});

describe('CollectingSink', () => {
  it('keeps messages and never applies backpressure', () => {
    const sink = new CollectingSink();
    expect(sink.emit(record(1))).toBeUndefined();
    expect(sink.messages).toHaveLength(1);
  });
});

/** An output whose next write "fills the pipe": emit returns a wait the test releases by hand. */
class GatedSink implements MessageSink {
  readonly written: string[] = [];
  gate: { promise: Promise<void>; open: () => void; fail: (e: Error) => void } | undefined;
  barriers = 0;
  fillNext(): void {
    let open!: () => void;
    let fail!: (e: Error) => void;
    const promise = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
    this.gate = { promise, open, fail };
  }
  emit(message: AirbyteMessage): Promise<void> | undefined {
    this.written.push(message.type === 'LOG' ? String((message.log as { message?: unknown } | undefined)?.message) : message.type);
    const gate = this.gate;
    this.gate = undefined;
    return gate?.promise;
  }
  async barrier(): Promise<void> {
    this.barriers++;
  }
}

const settled = async (p: Promise<void> | undefined) => {
  let done = false;
  void p?.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 5));
  return p === undefined || done;
};

describe('MessageEmitter', () => {
  it('writes callback messages at once, in order, and makes the next awaited emit wait for their full pipe', async () => {
    const inner = new GatedSink();
    const sink = new MessageEmitter(inner);
    inner.fillNext();
    sink.emitFromCallback(logMessage('INFO', 'from a callback'));
    const next = sink.emit(logMessage('INFO', 'awaited'));
    expect(inner.written).toEqual(['from a callback', 'awaited']);
    expect(next).toBeDefined();
    expect(await settled(next)).toBe(false);
  });

  it('releases the awaited emit when the callback write drains, and carries a wait only once', async () => {
    const inner = new GatedSink();
    const sink = new MessageEmitter(inner);
    inner.fillNext();
    const gate = inner.gate!;
    sink.emitFromCallback(logMessage('INFO', 'a'));
    const next = sink.emit(logMessage('INFO', 'b'));
    gate.open();
    await expect(next).resolves.toBeUndefined();
    expect(sink.emit(logMessage('INFO', 'c'))).toBeUndefined();
  });

  it('makes barrier wait for a carried write, then ask the output', async () => {
    const inner = new GatedSink();
    const sink = new MessageEmitter(inner);
    inner.fillNext();
    const gate = inner.gate!;
    sink.emitFromCallback(logMessage('WARN', 'w'));
    const barrier = sink.barrier();
    expect(await settled(barrier)).toBe(false);
    gate.open();
    await barrier;
    expect(inner.barriers).toBe(1);
  });

  it('reports a failed callback write at the next awaited emit, not as an unhandled rejection', async () => {
    const inner = new GatedSink();
    const sink = new MessageEmitter(inner);
    inner.fillNext();
    const gate = inner.gate!;
    sink.emitFromCallback(logMessage('INFO', 'x'));
    gate.fail(new Error('EPIPE'));
    await new Promise((r) => setTimeout(r, 5));
    await expect(sink.emit(logMessage('INFO', 'y'))).rejects.toThrow('EPIPE');
  });

  it('after a cancel drops what is emitted, never passes a barrier, and still writes the closing statuses', async () => {
    const inner = new GatedSink();
    const cancel = new AbortController();
    const sink = new MessageEmitter(inner, cancel.signal);
    expect(sink.emit(logMessage('INFO', 'before'))).toBeUndefined();
    cancel.abort('SIGTERM');
    expect(sink.emit(logMessage('INFO', 'after'))).toBeUndefined();
    expect(await settled(sink.barrier())).toBe(false);
    expect(inner.barriers).toBe(0);
    expect(sink.emitClosing(streamStatusMessage('fi_data', 'INCOMPLETE'))).toBeUndefined();
    expect(inner.written).toEqual(['before', 'TRACE']);
  });
});
