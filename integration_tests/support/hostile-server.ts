import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalServer } from './local-servers.js';

/**
 * A FinPro server that lies, for bad-server-input tests: real HTTP on 127.0.0.1, in front of
 * a well-behaved upstream (the sandbox). Every request is forwarded as is; the answer then
 * goes through `mutate`, which may pass it, rewrite its JSON, replace it (HTML pages, error
 * envelopes with 200, truncated or huge bodies), or drop the connection (at once or after a
 * delay). So each endpoint of finpro-api.md can be made to misbehave in one chosen way
 * while the rest of the protocol stays real.
 */
export interface UpstreamAnswer {
  /** FinPro path, e.g. `/bulk/status`. */
  route: string;
  /** 1 for the first answer on this route, 2 for the second... */
  nth: number;
  status: number;
  /** The upstream body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  text: string;
}

export type HostileAnswer =
  /** The upstream's answer as is; `withoutDate`: with no `Date` header (FinPro's clock untold). */
  | { kind: 'pass'; withoutDate?: boolean }
  | { kind: 'json'; status?: number; body: unknown; withoutDate?: boolean }
  | { kind: 'text'; status: number; body: string; contentType?: string }
  /** Drops the TCP connection without an answer, after `afterMs` (default 0). */
  | { kind: 'reset'; afterMs?: number }
  /** Sends the upstream's headers (with its full Content-Length) and its first `bytes` bytes, then drops the connection. */
  | { kind: 'cut'; bytes: number };

export type Mutator = (answer: UpstreamAnswer) => HostileAnswer;

export interface HostileServer extends LocalServer {
  /** Answers seen per route. */
  readonly hits: Record<string, number>;
  /** How many answers were not passed through unchanged. */
  readonly mutated: number;
  setMutator(mutator: Mutator): void;
}

const PASS: Mutator = () => ({ kind: 'pass' });
const FORWARDED = ['content-type', 'client_id', 'client_secret', 'appidentifier', 'organisationid', 'accept'];

export async function hostileServer(upstream: string, initial: Mutator = PASS): Promise<HostileServer> {
  let mutator = initial;
  const hits: Record<string, number> = {};
  let mutated = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const route = (req.url ?? '/').split('?')[0]!;
    const answer = await fetch(new URL(route, upstream), { method: req.method ?? 'POST', headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
    const text = await answer.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const nth = (hits[route] = (hits[route] ?? 0) + 1);
    const decision = mutator({ route, nth, status: answer.status, json, text });
    if (decision.kind !== 'pass') mutated++;
    const rateHeaders: Record<string, string> = {};
    // `date` too: it is FinPro's clock (the connector reads it), not this proxy's.
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after', 'date']) {
      const value = answer.headers.get(name);
      if (value !== null) rateHeaders[name] = value;
    }
    if ((decision.kind === 'pass' || decision.kind === 'json') && decision.withoutDate === true) {
      delete rateHeaders['date'];
      res.sendDate = false;
    }
    switch (decision.kind) {
      case 'pass':
        res.writeHead(answer.status, { ...rateHeaders, 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(text);
        return;
      case 'json':
        res.writeHead(decision.status ?? answer.status, { ...rateHeaders, 'content-type': 'application/json' });
        res.end(JSON.stringify(decision.body));
        return;
      case 'text':
        res.writeHead(decision.status, { ...rateHeaders, 'content-type': decision.contentType ?? 'text/html' });
        res.end(decision.body);
        return;
      case 'cut': {
        const body = Buffer.from(text);
        res.writeHead(answer.status, { ...rateHeaders, 'content-type': 'application/json', 'content-length': String(body.length) });
        res.write(body.subarray(0, decision.bytes), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      case 'reset':
        if (decision.afterMs) await new Promise((resolve) => setTimeout(resolve, decision.afterMs));
        req.socket.destroy();
        return;
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    get mutated() {
      return mutated;
    },
    setMutator(next) {
      mutator = next;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
