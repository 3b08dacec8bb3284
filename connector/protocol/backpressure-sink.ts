import type { AirbyteMessage } from './airbyte-message.js';
import type { MessageSink } from './message-emitter.js';

/**
 * A sink for producers that include synchronous callbacks (log lines from the HTTP client's
 * rate-limit event, progress timers), which cannot await an emit. `emitFromCallback` writes
 * the message at once, in order, and hands any wait for a full output to the next awaited
 * `emit` or `barrier`, so backpressure still stalls the producer instead of being dropped.
 */
export class BackpressureSink implements MessageSink {
  private pending: Promise<void> | undefined;

  constructor(private readonly inner: MessageSink) {}

  emit(message: AirbyteMessage): Promise<void> | undefined {
    const carried = this.pending;
    this.pending = undefined;
    const own = this.inner.emit(message);
    if (carried === undefined) return own;
    return own === undefined ? carried : Promise.all([carried, own]).then(() => undefined);
  }

  emitFromCallback(message: AirbyteMessage): void {
    const wait = this.emit(message);
    if (wait === undefined) return;
    // Handled here so a failed write is not an unhandled rejection; the next awaited emit still sees it.
    wait.catch(() => undefined);
    this.pending = wait;
  }

  async barrier(): Promise<void> {
    const carried = this.pending;
    this.pending = undefined;
    if (carried !== undefined) await carried;
    await this.inner.barrier();
  }
}
