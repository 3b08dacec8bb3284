import { describe, expect, it } from 'vitest';
import type { AirbyteMessage } from './airbyte-message.js';
import { BackpressureSink } from './backpressure-sink.js';
import type { MessageSink } from './message-emitter.js';
import { logMessage } from './message-factory.js';

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

describe('BackpressureSink', () => {
  it('writes callback messages at once, in order, and makes the next awaited emit wait for their full pipe', async () => {
    const inner = new GatedSink();
    const sink = new BackpressureSink(inner);
    inner.fillNext();
    sink.emitFromCallback(logMessage('INFO', 'from a callback'));
    const next = sink.emit(logMessage('INFO', 'awaited'));
    expect(inner.written).toEqual(['from a callback', 'awaited']);
    expect(next).toBeDefined();
    expect(await settled(next)).toBe(false);
  });

  it('releases the awaited emit when the callback write drains, and carries a wait only once', async () => {
    const inner = new GatedSink();
    const sink = new BackpressureSink(inner);
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
    const sink = new BackpressureSink(inner);
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
    const sink = new BackpressureSink(inner);
    inner.fillNext();
    const gate = inner.gate!;
    sink.emitFromCallback(logMessage('INFO', 'x'));
    gate.fail(new Error('EPIPE'));
    await new Promise((r) => setTimeout(r, 5));
    await expect(sink.emit(logMessage('INFO', 'y'))).rejects.toThrow('EPIPE');
  });
});
