import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { makeTempDir } from './temp-files.js';

/**
 * Small loopback servers that misbehave on purpose, for connection-failure tests: a port
 * nobody listens on, a server that never answers, a TLS server with a self-signed
 * certificate, a server answering a fixed status. Each has `url` and `close()`.
 */
export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** A loopback port that was free a moment ago and has no listener now: connecting gets ECONNREFUSED. */
export async function closedPortUrl(): Promise<string> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

/** Accepts TCP connections and never writes a byte: a client only stops by its own timeout. */
export async function silentServer(): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server, scheme: 'http' | 'https'): Promise<LocalServer> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Answers every request with `status` and a FinPro error envelope carrying `errorCode`. */
export function statusServer(status: number, errorCode: string, onRequest?: (req: IncomingMessage) => void): Promise<LocalServer> {
  const handler: Handler = (req, res) => {
    onRequest?.(req);
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ver: '1.0', timestamp: new Date().toISOString(), errorCode, errorMsg: `test server: ${errorCode}` }));
    });
  };
  return listen(createHttpServer(handler), 'http');
}

/**
 * An HTTPS server whose certificate is self-signed (made with `openssl` at test time; Node
 * cannot mint X.509 certificates itself). A client that verifies certificates must refuse it.
 */
export function selfSignedHttpsServer(): Promise<LocalServer> {
  const dir = makeTempDir('source-finpro-tls-');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', dir.file('key.pem'), '-out', dir.file('cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer({ key: readFileSync(dir.file('key.pem')), cert: readFileSync(dir.file('cert.pem')) }, (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"errorCode":"BatchNotFound"}');
    });
    return listen(server as unknown as Server, 'https');
  } finally {
    dir.remove();
  }
}
