import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkAuth } from './auth-check.js';
import { errorResponse, HttpError, readBody, type SandboxResponse } from './http-io.js';
import { handleIntrospection } from './introspection-routes.js';
import { FixedWindowRateLimiter, type RateLimitDecision } from './rate-limiter.js';
import type { FinProRoute } from './route-types.js';
import { bulkStatusRoute } from './routes/bulk-status-route.js';
import { fiDataRoute } from './routes/fi-data-route.js';
import { fiRequestRoute } from './routes/fi-request-route.js';
import { fiStatusRoute } from './routes/fi-status-route.js';
import { scheduleRoute } from './routes/schedule-route.js';
import { uploadRoute } from './routes/upload-route.js';
import { FaultInjector, type FaultPlan } from '../faults/fault-injector.js';
import { SANDBOX_CREDENTIALS } from '../sandbox-options.js';
import type { SandboxContext } from '../sandbox-context.js';

const ROUTES: ReadonlyMap<string, FinProRoute> = new Map(
  [fiRequestRoute, fiStatusRoute, fiDataRoute, scheduleRoute, uploadRoute, bulkStatusRoute].map((r) => [r.path, r]),
);

const HTML_ERROR = (status: number) =>
  `<html><head><title>${status} Service Unavailable</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;

/**
 * One request's life: rate limit -> planned fault (before) -> auth -> handler -> planned
 * fault (after) -> latency -> write. Rate-limit headers go on every FinPro response,
 * errors and injected faults included. /_sandbox/* bypasses all of it.
 */
export function createRequestHandler(ctx: SandboxContext, baseUrl: () => string) {
  const limiter = new FixedWindowRateLimiter(ctx.options.rateLimit.limit, ctx.options.rateLimit.windowMs);
  const faults = new FaultInjector(ctx.options.faults, ctx.options.seed, ctx.options.speed);
  let seq = 0;

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const pathname = query < 0 ? rawUrl : rawUrl.slice(0, query);
    if (pathname.startsWith('/_sandbox/')) {
      req.resume();
      await new Promise((resolve) => req.once('end', resolve));
      write(res, handleIntrospection(ctx, req, new URL(rawUrl, 'http://sandbox')), undefined, ctx.now());
      return;
    }

    // A plain split, not new URL(): this runs for every FinPro request.
    const route = ROUTES.get(pathname);
    const routeName = route?.path ?? 'unknown';
    const n = seq++;
    const clientId = req.headers['client_id'];
    const limit = limiter.take(typeof clientId === 'string' ? clientId : '', ctx.now());

    const finish = (response: SandboxResponse) => {
      ctx.stats.request(routeName, response.status);
      write(res, response, limit, ctx.now());
    };

    if (!limit.allowed) {
      req.resume();
      ctx.stats.rateLimited();
      finish(withRetryAfter(errorResponse(429, 'RateLimitExceeded', 'Rate limit exceeded; retry after the window resets.', ctx.now()), limit.retryAfterSeconds));
      return;
    }

    const plan = faults.decide(n);
    const fault = (status: number | null, tookEffect: boolean, referenceId: string | null) =>
      ctx.stats.fault({
        seq: n,
        at: new Date(ctx.now()).toISOString(),
        route: routeName,
        kind: plan.kind === 'none' ? 'latency' : plan.kind,
        status,
        took_effect: tookEffect,
        reference_id: referenceId,
      });

    if (plan.kind === 'throttle_429' || (plan.kind !== 'none' && 'timing' in plan && plan.timing === 'before')) {
      req.resume();
      if (plan.kind === 'connection_reset') {
        fault(null, false, null);
        ctx.stats.request(routeName, 'reset');
        req.socket.destroy();
        return;
      }
      const status = plan.kind === 'throttle_429' ? 429 : plan.status;
      fault(status, false, null);
      const spoiled = plan.kind === 'throttle_429'
        ? withRetryAfter(errorResponse(429, 'RateLimitExceeded', 'Too many requests; slow down.', ctx.now()), plan.retryAfterSeconds)
        : spoil(plan, ctx.now());
      finish(spoiled);
      return;
    }

    let response: SandboxResponse;
    try {
      response = await run(ctx, req, route, baseUrl());
    } catch (error) {
      response = error instanceof HttpError ? error.toResponse(ctx.now()) : errorResponse(500, 'InternalError', String(error), ctx.now());
    }

    if (plan.delayMs > 0) {
      fault(response.status, response.status < 300, response.referenceId ?? null);
      await sleep(plan.delayMs);
    }
    if (plan.kind === 'connection_reset') {
      fault(null, response.status < 300, response.referenceId ?? null);
      ctx.stats.request(routeName, 'reset');
      req.socket.destroy();
      return;
    }
    if (plan.kind === 'http_error') {
      fault(plan.status, response.status < 300, response.referenceId ?? null);
      finish(spoil(plan, ctx.now()));
      return;
    }
    finish(response);
  };
}

async function run(ctx: SandboxContext, req: IncomingMessage, route: FinProRoute | undefined, baseUrl: string): Promise<SandboxResponse> {
  if (!route) {
    req.resume();
    throw new HttpError(404, 'NotFound', `No FinPro route ${req.method ?? ''} ${req.url ?? ''}`);
  }
  if (req.method !== 'POST') {
    req.resume();
    throw new HttpError(405, 'MethodNotAllowed', `${route.path} accepts POST only`);
  }
  try {
    checkAuth(req.headers, SANDBOX_CREDENTIALS);
  } catch (error) {
    req.resume();
    throw error;
  }
  if (route.body === 'json' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    req.resume();
    throw new HttpError(400, 'InvalidRequest', 'Content-Type must be application/json');
  }
  const body = await readBody(req, route.bodyLimit);
  if (body === 'too-large') {
    throw new HttpError(413, route.tooLargeCode, `Request body exceeds ${route.bodyLimit} bytes`);
  }
  return route.handle({ ctx, req, body, baseUrl });
}

function spoil(plan: Extract<FaultPlan, { kind: 'http_error' }>, nowMs: number): SandboxResponse {
  if (plan.html) return { status: plan.status, body: HTML_ERROR(plan.status), contentType: 'text/html' };
  const code = plan.status === 503 ? 'ServiceUnavailable' : plan.status === 502 ? 'BadGateway' : 'InternalServerError';
  return errorResponse(plan.status, code, 'Injected fault (sandbox)', nowMs);
}

function withRetryAfter(response: SandboxResponse, seconds: number): SandboxResponse {
  return { ...response, headers: { ...response.headers, 'Retry-After': String(seconds) } };
}

function write(res: ServerResponse, response: SandboxResponse, limit: RateLimitDecision | undefined, nowMs: number): void {
  const headers: Record<string, string | number> = {
    // The sandbox's own clock (it may be set off with clockOffsetMs), as FinPro's Date header gives FinPro's.
    Date: new Date(nowMs).toUTCString(),
    'Content-Type': response.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(response.body),
    ...response.headers,
  };
  if (limit) {
    headers['X-RateLimit-Limit'] = limit.limit;
    headers['X-RateLimit-Remaining'] = limit.remaining;
    headers['X-RateLimit-Reset'] = limit.resetSeconds;
  }
  res.writeHead(response.status, headers);
  res.end(response.body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
