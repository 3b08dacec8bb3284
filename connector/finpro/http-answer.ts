import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * What the FinPro client reads of an HTTP answer, whichever way it came: node:http (the
 * default for JSON requests) or a `fetch` (multipart uploads, and the fetch a test or bench
 * injects). Why node:http: a read makes one `/getallfidata` request per consent, and fetch's
 * Request/Response/WHATWG-stream machinery costs ~0.45 ms more CPU per request than
 * node:http for the same 33 KB answer on loopback (0.62-0.78 against 0.16-0.29 ms, 2,000
 * requests, 8 in flight): at the read bench's ~8 answers per 1,000 transactions that is
 * ~14% of a read's CPU.
 */
export interface HttpAnswer {
  readonly status: number;
  header(name: string): string | null;
  /**
   * The body's chunks, read once. A failure of the transfer (reset, cut short, the request's
   * abort signal) is thrown as BodyReadError; with `timer`, each chunk re-arms it (the
   * timeout counts silence). Leaving the loop early frees the connection.
   */
  chunks(timer?: NodeJS.Timeout): AsyncGenerator<Uint8Array>;
  /** Drops the body unread. */
  discard(): Promise<void>;
}

/** A network failure while a body was read; `cause` is what the transfer threw. */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
}

export function fetchAnswer(response: Response): HttpAnswer {
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    chunks: (timer) => (response.body === null ? emptyChunks() : streamChunks(response.body, timer)),
    discard: async () => {
      await response.body?.cancel().catch(() => undefined);
    },
  };
}

async function* streamChunks(body: ReadableStream<Uint8Array>, timer?: NodeJS.Timeout): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new BodyReadError('the answer was cut off', { cause: error });
      }
      if (next.done) return;
      timer?.refresh();
      yield next.value;
    }
  } finally {
    // Reached early when the consumer stops (an error of its own, a bound): free the connection.
    await reader.cancel().catch(() => undefined);
  }
}

async function* emptyChunks(): AsyncGenerator<Uint8Array> {}

/**
 * POSTs over node:http(s) with keep-alive connections (idle ones do not hold the process
 * open). Errors are node's own (`code` ECONNREFUSED, ECONNRESET...; an abort is an
 * AbortError whose `cause` is the signal's reason), which network-failure.ts reads. Unlike
 * fetch, no redirect is followed: FinPro's API answers where it is asked.
 */
export class NodeHttpTransport {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: secure ? this.httpsAgent : this.httpAgent, signal },
        (message) => resolve(nodeAnswer(message, signal)),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

function nodeAnswer(message: IncomingMessage, signal: AbortSignal): HttpAnswer {
  return {
    status: message.statusCode ?? 0,
    header: (name) => {
      const value = message.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    chunks: (timer) => messageChunks(message, signal, timer),
    discard: async () => {
      message.destroy();
    },
  };
}

async function* messageChunks(message: IncomingMessage, signal: AbortSignal, timer?: NodeJS.Timeout): AsyncGenerator<Uint8Array> {
  const iterator = message[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let complete = false;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new BodyReadError('the answer was cut off', { cause: signal.aborted ? signal.reason : error });
      }
      if (next.done === true) {
        // Cut short (the server closed early, or the request's timeout aborted it): node may end the stream rather than fail it.
        if (!message.complete) {
          throw new BodyReadError('the answer was cut off', { cause: signal.aborted ? signal.reason : Object.assign(new Error('aborted'), { code: 'ECONNRESET' }) });
        }
        complete = true;
        return;
      }
      timer?.refresh();
      yield next.value;
    }
  } finally {
    // Left early (the consumer stopped, a bound, an error): the connection is not reused.
    if (!complete) message.destroy();
  }
}
