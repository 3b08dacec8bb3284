import type { Config } from '../config.js';
import { ConfigError, SystemError, TransientError } from '../errors/connector-errors.js';
import { FinproApiError } from './finpro-api-error.js';
import { FinproClock } from './finpro-clock.js';
import { BodyReadError, fetchAnswer, NodeHttpTransport, type HttpAnswer } from './http-answer.js';
import { finproAuthHeaders, finproUrl } from './finpro-headers.js';
import { describeNetworkError } from './network-error.js';
import { RateLimitGovernor } from './rate-limit-governor.js';
import { backoffDelayMs, parseRetryAfterMs } from './retry-backoff.js';

/**
 * The one FinPro HTTP client: auth headers, per-request timeout, retries with jittered
 * exponential backoff on 5xx / resets / timeouts / non-JSON 5xx bodies, and the rate-limit
 * governor. 429 is never fatal: it waits for `Retry-After` and tries again. 401/403 are the
 * user's credentials (ConfigError); any other 4xx is a FinproApiError the caller may turn into
 * a failed row. Errors carry status and errorCode, never headers or secrets.
 */
export interface FinproClientOptions {
  config: Pick<Config, 'base_url' | 'credentials' | 'request_timeout_seconds' | 'max_concurrency'>;
  /** Every request through this fetch; without one, JSON requests go over node:http (see http-answer.ts) and uploads through the global fetch. */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request for retriable failures (the first included). */
  maxAttempts?: number;
  random?: () => number;
  events?: FinproClientEvents;
}

export interface FinproClientEvents {
  onRequest?(path: string): void;
  /** A 429 arrived; the client waits `waitMs` before the next request. */
  onRateLimited?(path: string, waitMs: number): void;
  /** A retriable failure; the client retries after `waitMs`. */
  onRetry?(path: string, reason: string, attempt: number, waitMs: number): void;
}

export interface RequestOptions {
  /** `false`: one attempt for transient failures (the caller resolves them, e.g. schedule). 429 is still waited out. */
  retry?: boolean;
  /** A multipart body instead of JSON. */
  form?: FormData;
  /** Largest answer body read, in bytes (default DEFAULT_MAX_RESPONSE_BYTES); a bigger one is a ResponseTooLargeError. */
  maxBytes?: number;
}

/** Status pages of 1,000 rows are ~0.5 MB; nothing but FI data comes near this. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * An answer over the byte bound. Not transient (the same request brings the same answer) and
 * not the user's config as such: a system error, which the caller rewords with what it asked for.
 */
export class ResponseTooLargeError extends SystemError {
  constructor(
    readonly path: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`FinPro ${path} answered with more than ${maxBytes} bytes (${bytes} seen), over what the connector reads in one answer.`);
  }
}

/** A transient failure after the client gave up retrying, or one the caller asked not to retry. */
export class FinproTransientError extends TransientError {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly status: number | undefined,
  ) {
    super(`FinPro ${path} failed: ${reason}.`);
  }
}

/**
 * Thrown by a 2xx body's reader for an answer that cannot be read as it should (not JSON,
 * cut short): the server's fault, possibly a truncated transfer, so the request is retried.
 */
export class UnreadableBodyError extends Error {
  override readonly name = 'UnreadableBodyError';
}

const RETRY_BASE_MS = 250;
const RETRY_CAP_MS = 15_000;

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class FinproClient {
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;
  private readonly transport: NodeHttpTransport | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  readonly governor: RateLimitGovernor;
  readonly counters = { requests: 0, rateLimited: 0, retries: 0 };

  constructor(private readonly options: FinproClientOptions) {
    this.headers = { ...finproAuthHeaders(options.config.credentials), 'Content-Type': 'application/json', Accept: 'application/json' };
    this.fetchImpl = options.fetch ?? fetch;
    this.transport = options.fetch === undefined ? new NodeHttpTransport() : undefined;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.config.request_timeout_seconds * 1000;
    this.clock = new FinproClock(this.now);
    this.governor = new RateLimitGovernor({ now: this.now, sleep: this.sleep, serverOffsetMs: () => this.clock.skewMs });
  }

  /** FinPro's now, from its answers' Date headers: what a range may end at. */
  readonly clock: FinproClock;

  /**
   * Asks FinPro for its time when no answer has told it yet: a bulk status lookup of a
   * reference nobody uses (404 BatchNotFound), which reads nothing and changes nothing.
   * A failure leaves our own clock in use; the sync's own requests will fail loudly if FinPro is down.
   */
  async learnClock(): Promise<void> {
    if (this.clock.known) return;
    try {
      await this.post('/bulk/status', { reference_id: `source-finpro-clock-${this.now()}`, page: 1, limit: 1 }, { retry: false });
    } catch {
      // 404 is the expected answer; its Date header has been read on the way.
    }
  }

  /** POSTs `body` (JSON) or `options.form` and returns the parsed JSON answer of a 2xx. */
  async post(path: string, body: unknown, options: RequestOptions = {}): Promise<unknown> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    return this.request(path, body, options, async (response) => {
      const json = parseJson(await readBody(response, maxBytes, path));
      // A 2xx we cannot read is the server's bug, but it may be a truncated body: retried.
      if (json === undefined) throw new UnreadableBodyError(`HTTP ${response.status} with a body that is not JSON`);
      if (response.header('date') === null) this.clock.observeBody(json, this.now());
      return json;
    });
  }

  /**
   * POSTs `body` and hands a 2xx answer's body, as byte chunks, to `consume` while it
   * arrives, so a large answer is never held whole. The request timeout then counts the time
   * without a byte, not the whole body: a consumer that waits on a slow stdout is not a slow
   * server. Errors while the body is read (a reset, a stall) are retried like any transient
   * failure, and so is an UnreadableBodyError the consumer throws: in both cases `consume`
   * runs again from the start of a fresh answer, so it must tolerate seeing the first
   * part of an answer twice.
   */
  async postStream<T>(path: string, body: unknown, consume: (chunks: AsyncIterable<Uint8Array>) => Promise<T>, options: Omit<RequestOptions, 'maxBytes'> = {}): Promise<T> {
    return this.request(path, body, options, async (response, timer) => {
      return consume(response.chunks(timer));
    });
  }

  /**
   * The retry loop of every request: governor, 429, 5xx, 401/403, timeouts. `readOk` turns
   * a 2xx answer into the result; it throws UnreadableBodyError for a body to retry.
   */
  private async request<T>(path: string, body: unknown, options: RequestOptions, readOk: (response: HttpAnswer, timer: NodeJS.Timeout) => Promise<T>): Promise<T> {
    const retry = options.retry ?? true;
    let transientAttempt = 0;
    for (;;) {
      await this.governor.acquire();
      this.counters.requests++;
      this.options.events?.onRequest?.(path);
      // A timer cleared once the body is read, not AbortSignal.timeout: that one's timer
      // outlives the answer until a full GC collects its signal, so a heap snapshot of a
      // 20,000-consent read held ~1,900 Timeouts and ~2,400 WeakRefs of finished requests.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException('The request timed out.', 'TimeoutError')), this.timeoutMs);
      timer.unref();
      let response: HttpAnswer;
      try {
        const url = finproUrl(this.options.config.base_url, path);
        response =
          this.transport !== undefined && options.form === undefined
            ? await this.transport.post(url, this.headers, JSON.stringify(body), controller.signal)
            : fetchAnswer(
                await this.fetchImpl(url, {
                  method: 'POST',
                  headers: options.form !== undefined ? withoutContentType(this.headers) : this.headers,
                  body: options.form ?? JSON.stringify(body),
                  signal: controller.signal,
                }),
              );
      } catch (error) {
        clearTimeout(timer);
        this.governor.release(undefined);
        const reason = describeNetworkError(error, this.options.config.base_url);
        if (!retry || ++transientAttempt >= this.maxAttempts) throw new FinproTransientError(path, reason, undefined);
        await this.backoff(path, reason, transientAttempt);
        continue;
      }
      // The rate-limit headers count from here: a long body does not hold the window's books open.
      // FinPro's time first: the governor reads the rate-limit reset, a time on FinPro's clock, through it.
      this.clock.observe(response.header('date'), this.now());
      this.governor.release({ get: (name) => response.header(name) });
      let reason: string;
      try {
        if (response.status >= 200 && response.status < 300) return await readOk(response, timer);
        const verdict = this.judgeError(path, response, await readBody(response, options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES, path));
        if (verdict === 'again') {
          transientAttempt = 0;
          continue;
        }
        reason = verdict.reason;
      } catch (error) {
        if (error instanceof UnreadableBodyError) reason = error.message;
        else if (error instanceof BodyReadError) reason = describeNetworkError(error.cause, this.options.config.base_url);
        else throw error;
      } finally {
        clearTimeout(timer);
      }
      if (!retry || ++transientAttempt >= this.maxAttempts) throw new FinproTransientError(path, reason, response.status);
      await this.backoff(path, reason, transientAttempt);
    }
  }

  /**
   * A non-2xx answer: 'again' after a 429 (already waited for), a transient reason for 408/5xx,
   * or a thrown ConfigError (401/403) or FinproApiError (any other 4xx).
   */
  private judgeError(path: string, response: HttpAnswer, text: string): 'again' | { reason: string } {
    const status = response.status;
    if (status === 429) {
      const waitMs = parseRetryAfterMs(response.header('retry-after'), this.now() + this.clock.skewMs) ?? backoffDelayMs(0, 1000, 10_000, this.random);
      this.counters.rateLimited++;
      this.options.events?.onRateLimited?.(path, waitMs);
      this.governor.blockUntil(this.now() + waitMs);
      // A 429 proves the server is up and only shedding load: 5xx answers mixed into a
      // throttling storm are the same overload, not an outage, so they start a fresh budget.
      // Without this a storm of 429s and 503s ends the sync, and rate limiting must never do that.
      return 'again';
    }
    const json = parseJson(text);
    // An error envelope tells FinPro's time too (learnClock's lookup is answered by one).
    if (response.header('date') === null) this.clock.observeBody(json, this.now());
    const envelope = errorEnvelope(json);
    if (status === 401 || status === 403) {
      throw new ConfigError(
        `FinPro rejected the credentials (HTTP ${status}${envelope.errorCode ? ` ${envelope.errorCode}` : ''}): check client_id, client_secret, app_identifier and organisation_id.`,
      );
    }
    if (status === 408 || status >= 500) {
      return { reason: `HTTP ${status}${envelope.errorCode ? ` ${envelope.errorCode}` : json === undefined ? ' (non-JSON body)' : ''}` };
    }
    throw new FinproApiError(path, status, envelope.errorCode, envelope.errorMsg, envelope.details);
  }

  private async backoff(path: string, reason: string, attempt: number): Promise<void> {
    const waitMs = backoffDelayMs(attempt - 1, RETRY_BASE_MS, RETRY_CAP_MS, this.random);
    this.counters.retries++;
    this.options.events?.onRetry?.(path, reason, attempt, waitMs);
    await this.sleep(waitMs);
  }
}

/**
 * The body as text, never more than `maxBytes` of it in memory: a Content-Length over the
 * bound fails before the body is read, a body that grows past it fails as soon as it does.
 * A failure of the transfer (reset, timeout) is a BodyReadError, retried.
 */
async function readBody(response: HttpAnswer, maxBytes: number, path: string): Promise<string> {
  const declared = Number(response.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.discard();
    throw new ResponseTooLargeError(path, declared, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.chunks()) {
    bytes += chunk.byteLength;
    // Leaving the loop frees the connection (see HttpAnswer.chunks).
    if (bytes > maxBytes) throw new ResponseTooLargeError(path, bytes, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes).toString('utf8');
}

function withoutContentType(headers: Record<string, string>): Record<string, string> {
  // fetch sets the multipart boundary itself.
  const { 'Content-Type': _omit, ...rest } = headers;
  return rest;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorEnvelope(json: unknown): { errorCode: string | undefined; errorMsg: string | undefined; details: Record<string, unknown> | undefined } {
  if (typeof json !== 'object' || json === null) return { errorCode: undefined, errorMsg: undefined, details: undefined };
  const { errorCode, errorMsg, details } = json as { errorCode?: unknown; errorMsg?: unknown; details?: unknown };
  return {
    errorCode: typeof errorCode === 'string' ? errorCode.slice(0, 100) : undefined,
    errorMsg: typeof errorMsg === 'string' ? errorMsg.slice(0, 500) : undefined,
    details: typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>) : undefined,
  };
}
