import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyNetworkError } from '../errors/network-failure.js';
import { BodyReadError, fetchAnswer, NodeHttpTransport, type HttpAnswer } from './http-answer.js';

/** A real HTTP server on loopback answering every request with `handle`. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/getallfidata`;
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function text(answer: HttpAnswer, timer?: NodeJS.Timeout): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of answer.chunks(timer)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

async function bodyError(answer: HttpAnswer): Promise<BodyReadError> {
  const error = await text(answer).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BodyReadError);
  return error as BodyReadError;
}

describe('NodeHttpTransport and fetchAnswer read the same answers', () => {
  const transports: Array<[string, (url: string, signal: AbortSignal) => Promise<HttpAnswer>]> = [
    ['node:http', (url, signal) => new NodeHttpTransport().post(url, { 'Content-Type': 'application/json', client_id: 'c' }, '{"a":"é"}', signal)],
    ['fetch', async (url, signal) => fetchAnswer(await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', client_id: 'c' }, body: '{"a":"é"}', signal }))],
  ];

  for (const [name, post] of transports) {
    it(`${name}: status, headers, the request body and a body in several chunks`, async () => {
      let received = '';
      const url = await serve((req, res) => {
        received = `${req.headers['client_id'] as string} ${req.headers['content-length'] as string}`;
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-RateLimit-Limit': '200', 'Set-Cookie': ['a=1', 'b=2'] });
        res.write('{"data":[');
        setTimeout(() => res.end('1,2]}'), 20);
      });
      const answer = await post(url, new AbortController().signal);
      expect(answer.status).toBe(201);
      expect(answer.header('x-ratelimit-limit')).toBe('200');
      expect(answer.header('X-RateLimit-Limit')).toBe('200');
      expect(answer.header('retry-after')).toBeNull();
      expect(await text(answer)).toBe('{"data":[1,2]}');
      expect(received).toBe(`c ${Buffer.byteLength('{"a":"é"}')}`);
    });

    it(`${name}: a body cut short of its Content-Length is a BodyReadError (retried), classified as a reset`, async () => {
      const url = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"data":[');
        setTimeout(() => res.destroy(), 20);
      });
      const error = await bodyError(await post(url, new AbortController().signal));
      expect(classifyNetworkError(error.cause)).toBe('reset');
    });

    it(`${name}: a body that stalls past the request's timeout is a BodyReadError classified as a timeout`, async () => {
      const url = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"data":[');
      });
      const controller = new AbortController();
      const answer = await post(url, controller.signal);
      setTimeout(() => controller.abort(new DOMException('The request timed out.', 'TimeoutError')), 50);
      const error = await bodyError(answer);
      expect(classifyNetworkError(error.cause)).toBe('timeout');
    });
  }

  it('node:http: nothing listening is a refused connection, and an abort before the answer a timeout', async () => {
    const transport = new NodeHttpTransport();
    const refused = await transport.post('http://127.0.0.1:9/x', {}, '{}', new AbortController().signal).catch((e: unknown) => e);
    expect(classifyNetworkError(refused)).toBe('refused');
    const url = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('The request timed out.', 'TimeoutError')), 50);
    const timedOut = await transport.post(url, {}, '{}', controller.signal).catch((e: unknown) => e);
    expect(classifyNetworkError(timedOut)).toBe('timeout');
  });

  it('node:http: leaving a body early frees the connection; a read to the end keeps it for the next request', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: 'x'.repeat(100_000) }));
    });
    const transport = new NodeHttpTransport();
    const first = await transport.post(url, {}, '{}', new AbortController().signal);
    for await (const _ of first.chunks()) break;
    const second = await transport.post(url, {}, '{}', new AbortController().signal);
    expect((await text(second)).length).toBe(100_011);
    const third = await transport.post(url, {}, '{}', new AbortController().signal);
    await third.discard();
  });
});
