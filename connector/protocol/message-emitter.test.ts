import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AirbyteMessage } from './airbyte-message.js';
import { CollectingSink, MessageEmitter, StdoutEmitter, type MessageSink } from './message-emitter.js';
import { logMessage, recordMessage, streamStateMessage, streamStatusMessage } from './message-factory.js';
import { SecretRedactor } from './secret-redactor.js';

/**
 * A consumer that reads only when told to: `write` callbacks are held until `release()`, so
 * the stream's buffer fills and `write()` returns false, exactly like a slow pipe reader.
 */
class PausedConsumer extends Writable {
  readonly received: string[] = [];
  private held: Array<() => void> = [];
  constructor(highWaterMark: number) {
    super({ highWaterMark, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received.push(String(chunk));
    this.held.push(() => callback());
  }
  release(): void {
    const held = this.held;
    this.held = [];
    for (const done of held) done();
  }
  lines(): string[] {
    return this.received.join('').split('\n').filter((l) => l !== '');
  }
}

const record = (i: number) => recordMessage('fi_transactions', { txn_id: `t${i}`, amount: '1.00', pad: 'x'.repeat(200) }, () => 0);

describe('StdoutEmitter', () => {
  it('writes one JSON object per line, in order', async () => {
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, new SecretRedactor());
    for (let i = 0; i < 3; i++) emitter.emit(record(i));
    const closing = emitter.close();
    out.release();
    await closing;
    expect(out.lines().map((l) => (JSON.parse(l) as { record: { data: { txn_id: string } } }).record.data.txn_id)).toEqual(['t0', 't1', 't2']);
  });

  it('buffers records but flushes at once on STATE and TRACE, after the records before them', () => {
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, new SecretRedactor());
    emitter.emit(record(1));
    expect(out.received).toEqual([]);
    emitter.emit(streamStateMessage('fi_transactions', { cursor: 'c' }, 1));
    expect(out.lines().map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['RECORD', 'STATE']);
  });

  it('stalls the producer on a full pipe until drain, keeping memory bounded', async () => {
    const highWaterMark = 16 * 1024;
    const out = new PausedConsumer(highWaterMark);
    const emitter = new StdoutEmitter(out, new SecretRedactor());
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

  it('redacts registered secrets, plain and JSON-escaped', async () => {
    const redactor = new SecretRedactor();
    redactor.add('s3cr3t"quoted');
    const out = new PausedConsumer(1 << 20);
    const emitter = new StdoutEmitter(out, redactor);
    emitter.emit(logMessage('INFO', 'the secret is s3cr3t"quoted'));
    const closing = emitter.close();
    out.release();
    await closing;
    expect(out.received.join('')).not.toContain('s3cr3t');
    expect(out.received.join('')).toContain('**********');
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
