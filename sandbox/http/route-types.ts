import type { IncomingMessage } from 'node:http';
import type { SandboxResponse } from './http-io.js';
import type { SandboxContext } from '../sandbox-context.js';

export interface RouteRequest {
  ctx: SandboxContext;
  req: IncomingMessage;
  body: Buffer;
  /** e.g. http://127.0.0.1:8080, for tracking_url. */
  baseUrl: string;
}

export interface FinProRoute {
  path: string;
  /** Bytes read before answering 413. */
  bodyLimit: number;
  /** The errorCode of a 413 (FileTooLarge for uploads). */
  tooLargeCode: string;
  body: 'json' | 'multipart';
  handle(request: RouteRequest): SandboxResponse | Promise<SandboxResponse>;
}

/** JSON bodies: a 10,000-row schedule is about 1 MB; 32 MB is generous and still bounded. */
export const JSON_BODY_LIMIT = 32 * 1024 * 1024;
