import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './airbyte-message.js';
import { recordLine } from './record-line-serializer.js';
import { stateLine } from './state-line-serializer.js';
import { SecretInOutputError } from '../errors/connector-errors.js';
import { processSecrets, type SecretDetector } from './secret-detector.js';
import { drained } from './stream-drain.js';

/** What an emit returns: a promise to await while the output is full, else nothing (no microtask per record). */
export type EmitWait = Promise<void> | undefined;

/**
 * Where messages go. `read` orchestration writes to a sink and never to stdout itself: the
 * CLI's sink is the stdout emitter below, `sync` passes a loader. A sink may return a promise
 * to apply backpressure; producers must await it when it does (`const p = sink.emit(m); if (p) await p;`).
 */
export interface MessageSink {
  emit(message: AirbyteMessage): EmitWait;
  /**
   * Durability barrier (required, so a wrapping sink cannot silently drop it): resolves once every STATE emitted so far is as durable as this sink
   * can make it. The source awaits it before a side effect on FinPro that a lost state would
   * make it repeat (the first schedule of a sync, a single FI request), because a schedule
   * repeated under a new name spends the consents' fetch quota twice.
   */
  barrier(): Promise<void>;
}

/**
 * The only writer of stdout: one JSON object per line. Lines are gathered into chunks of
 * ~64 KiB so a million records are not a million syscalls, and a chunk is flushed at once
 * for STATE and TRACE messages, so a checkpoint reaches the platform as soon as it is emitted
 * (and only after the records before it). When the pipe is full, `emit` returns a promise
 * that resolves on 'drain', so a slow reader stalls the producer instead of growing memory.
 */
export class StdoutEmitter implements MessageSink {
  private chunks: string[] = [];
  private bufferedChars = 0;
  private static readonly FLUSH_CHARS = 64 * 1024;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly secrets: SecretDetector = processSecrets,
  ) {}

  emit(message: AirbyteMessage): Promise<void> | undefined {
    // Searched for secrets per chunk in flush: one search of 64 KiB instead of one per line.
    const line = (recordLine(message) ?? stateLine(message) ?? JSON.stringify(message)) + '\n';
    this.chunks.push(line);
    this.bufferedChars += line.length;
    if (this.bufferedChars >= StdoutEmitter.FLUSH_CHARS || message.type === 'STATE' || message.type === 'TRACE') {
      return this.flush();
    }
    return undefined;
  }

  /** Writes what is buffered; resolves when the stream can take more. */
  flush(): Promise<void> | undefined {
    if (this.chunks.length === 0) return undefined;
    let data = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
    this.chunks = [];
    this.bufferedChars = 0;
    if (this.secrets.foundInJsonLines(data)) data = this.withoutSecrets(data);
    if (this.out.write(data)) return undefined;
    return once(this.out, 'drain').then(() => undefined);
  }

  /**
   * `data` (whole JSON lines) with no line that carries a secret: a LOG, a TRACE ERROR or a
   * CONNECTION_STATUS gives way to one that says it was withheld. Any other such line (a record,
   * a state) is never written: the lines before it are, and the sync stops there with
   * SecretInOutputError. What follows it is not written either, and no STATE after it is, so the
   * next sync reads it again.
   */
  private withoutSecrets(data: string): string {
    const lines = data.split('\n').slice(0, -1);
    const kept: string[] = [];
    for (const line of lines) {
      if (!this.secrets.foundInJsonLines(line)) {
        kept.push(line);
        continue;
      }
      const message = JSON.parse(line) as AirbyteMessage;
      const notice = withheldNotice(message);
      if (notice === undefined) {
        if (kept.length > 0) this.out.write(`${kept.join('\n')}\n`);
        const what = message.type === 'RECORD' ? `A record of stream ${message.record.stream}` : `A ${message.type} message`;
        throw new SecretInOutputError(`${what} carried a configured secret; it was not written, and the sync stopped before it (secrets never reach the output).`);
      }
      kept.push(JSON.stringify(notice));
    }
    return kept.length > 0 ? `${kept.join('\n')}\n` : '';
  }

  /**
   * STATE lines are flushed as they are emitted; past that, durability is the platform's: it
   * persists a state when the destination acknowledges it, which a source cannot observe.
   */
  async barrier(): Promise<void> {
    await this.flush();
  }

  /** Flushes and waits until everything written has been handed to the OS. */
  async close(): Promise<void> {
    await this.flush();
    await drained(this.out);
  }
}

/**
 * What is written instead of a LOG, a TRACE ERROR or a CONNECTION_STATUS whose text carried a
 * secret: the same kind of message, its level, status, failure type and stream kept, saying that
 * its text was withheld. Undefined for any other message, which cannot be written without what
 * it carries.
 */
function withheldNotice(message: AirbyteMessage): AirbyteMessage | undefined {
  if (message.type === 'CONNECTION_STATUS') {
    return { type: 'CONNECTION_STATUS', connectionStatus: { status: message.connectionStatus.status, message: 'The check ended with a message that contained a configured secret; it was withheld.' } };
  }
  if (message.type === 'LOG') {
    return { type: 'LOG', log: { level: message.log.level, message: 'A log message was withheld: its text contained a configured secret.' } };
  }
  if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error !== undefined) {
    const { failure_type, stream_descriptor } = message.trace.error;
    return {
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: message.trace.emitted_at,
        error: {
          message: 'The connector failed; the text of the error contained a configured secret and was withheld.',
          ...(failure_type !== undefined ? { failure_type } : {}),
          ...(stream_descriptor !== undefined ? { stream_descriptor } : {}),
        },
      },
    };
  }
  return undefined;
}

/** A sink that keeps messages in memory: for tests and for in-process consumers. */
export class CollectingSink implements MessageSink {
  readonly messages: AirbyteMessage[] = [];
  emit(message: AirbyteMessage): undefined {
    this.messages.push(message);
    return undefined;
  }

  /** Memory is as durable as it gets here. */
  async barrier(): Promise<void> {}
}

/**
 * The one way out of a read: records and STATE (through the state manager), ESTIMATE, LOG,
 * TRACE and STREAM_STATUS all pass `emit`, whose wait the caller awaits, so a slow reader
 * stalls the read instead of growing memory.
 *
 * `emitFromCallback` is for the few producers that run in a synchronous callback (the HTTP
 * client's rate-limit event, the progress timer, `log`/`warnOnce`, whose callers are
 * synchronous code such as parsers): the line is written at once, in order, and its wait is
 * carried to the next awaited `emit` or `barrier`, so backpressure still holds.
 *
 * After `closeOn` aborts (the platform cancelled the read), `emit` drops what follows (never a
 * STATE covering records the output has not seen: records always precede their STATE) and a
 * barrier never resolves, so a schedule or FI request waiting on one is never sent. Only
 * `emitClosing` still writes: the streams' last statuses.
 */
export class MessageEmitter implements MessageSink {
  private pending: Promise<void> | undefined;

  constructor(
    private readonly out: MessageSink,
    private readonly closeOn?: AbortSignal,
  ) {}

  emit(message: AirbyteMessage): EmitWait {
    if (this.closeOn?.aborted === true) return undefined;
    return this.write(message);
  }

  emitFromCallback(message: AirbyteMessage): void {
    const wait = this.emit(message);
    if (wait === undefined) return;
    // Handled here so a failed write is not an unhandled rejection; the next awaited emit still sees it.
    wait.catch(() => undefined);
    this.pending = wait;
  }

  /**
   * Writes even after a cancel: the INCOMPLETE statuses a stopped read still owes. A wait
   * carried from a callback is left behind: the read is over, and its failure is not this one's.
   */
  emitClosing(message: AirbyteMessage): EmitWait {
    return this.out.emit(message);
  }

  async barrier(): Promise<void> {
    const carried = this.pending;
    this.pending = undefined;
    if (carried !== undefined) await carried;
    if (this.closeOn?.aborted !== true) await this.out.barrier();
    // Cancelled before or while the barrier held: what waits on it must never run.
    if (this.closeOn?.aborted === true) await new Promise<void>(() => undefined);
  }

  private write(message: AirbyteMessage): EmitWait {
    const carried = this.pending;
    this.pending = undefined;
    const own = this.out.emit(message);
    if (carried === undefined) return own;
    return own === undefined ? carried : Promise.all([carried, own]).then(() => undefined);
  }
}
