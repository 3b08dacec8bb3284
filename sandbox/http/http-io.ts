import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

export const API_VERSION = '1.21.0';

/** What a route answers; the router adds rate-limit headers, faults and latency, then writes it. */
export interface SandboxResponse {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** For stats: the reference a schedule call used, if any. */
  referenceId?: string;
}

export function json(status: number, value: unknown): SandboxResponse {
  return { status, body: JSON.stringify(value) };
}

/**
 * The FinPro error envelope: {ver, timestamp, txnid?, errorCode, errorMsg}. `nowMs` is the
 * sandbox's clock (set off by clockOffsetMs), which the timestamp tells as FinPro's does.
 */
export function errorResponse(status: number, errorCode: string, errorMsg: string, nowMs: number, extra?: Record<string, unknown>): SandboxResponse {
  return json(status, {
    ver: API_VERSION,
    timestamp: new Date(nowMs).toISOString(),
    txnid: randomUUID(),
    errorCode,
    errorMsg,
    ...extra,
  });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }

  toResponse(nowMs: number): SandboxResponse {
    return errorResponse(this.status, this.errorCode, this.message, nowMs, this.extra);
  }
}

/** Shorthand for the commonest error: a 400 InvalidRequest that names the field. */
export function invalid(field: string, problem: string): HttpError {
  return new HttpError(400, 'InvalidRequest', `${field} ${problem}`);
}

/**
 * Reads a request body up to `limit` bytes. Past it, the rest is drained unread and
 * 'too-large' returned, so a 10 MB+ upload is answered 413 without buffering it.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJsonObject(body: Buffer, malformedCode = 'InvalidRequest'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, malformedCode, 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, malformedCode, 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
