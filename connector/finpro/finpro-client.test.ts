import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FinproClient, FinproTransientError } from './finpro-client.js';

/** A real HTTP server answering with a scripted sequence of statuses, then 200. */
async function scriptedServer(statuses: number[]): Promise<{ url: string; server: Server; served: () => number }> {
  let served = 0;
  const server = createServer((req, res) => {
    req.resume();
    const status = statuses[served++] ?? 200;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (status === 429) headers['Retry-After'] = '0';
    res.writeHead(status, headers);
    res.end(status === 200 ? '{"ok":true}' : '{"errorCode":"X","errorMsg":"scripted"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, served: () => served };
}

const credentials = { client_id: 'c', client_secret: 'secret-value', app_identifier: 'a', organisation_id: 'o' };
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function client(url: string, maxAttempts: number): FinproClient {
  return new FinproClient({
    config: { base_url: url, credentials, request_timeout_seconds: 5, max_concurrency: 1 },
    maxAttempts,
    sleep: async () => undefined, // backoff waits are not what this test is about
  });
}

describe('FinproClient retries', () => {
  it('gives up after maxAttempts consecutive 5xx answers', async () => {
    const { url, server, served } = await scriptedServer([503, 503, 503, 503]);
    servers.push(server);
    await expect(client(url, 3).post('/bulk/status', {})).rejects.toBeInstanceOf(FinproTransientError);
    expect(served()).toBe(3);
  });

  it('survives a storm of 429s and 503s longer than its 5xx budget: a 429 starts a fresh budget', async () => {
    // Twelve 5xx in all, never more than two in a row, with 429s between: an overload, not an outage.
    const storm = [503, 502, 429, 503, 503, 429, 500, 503, 429, 503, 502, 429, 503, 503, 429, 503, 503];
    const { url, server, served } = await scriptedServer(storm);
    servers.push(server);
    const c = client(url, 3);
    await expect(c.post('/bulk/status', {})).resolves.toEqual({ ok: true });
    expect(served()).toBe(storm.length + 1);
    expect(c.counters.rateLimited).toBe(5);
  });
});
