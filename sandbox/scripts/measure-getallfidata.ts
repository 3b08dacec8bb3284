/**
 * Measures /getallfidata requests per second on loopback:
 *   npm run build && node dist/sandbox/scripts/measure-getallfidata.js [seconds] [concurrency]
 * The load generator runs in a child process, so the server's own CPU time per request can
 * be read with process.cpuUsage(): a figure that holds when other work shares the cores
 * (requests/s alone swings with the machine's load). Every request reads one ACTIVE consent's year of
 * data (about 2 accounts, ~85 transactions).
 */
import { Agent, request } from 'node:http';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSandbox, SANDBOX_CREDENTIALS } from '../index.js';

interface Job {
  url: string;
  consentIds: string[];
  seconds: number;
  concurrency: number;
}

const headers = {
  client_id: SANDBOX_CREDENTIALS.client_id,
  client_secret: SANDBOX_CREDENTIALS.client_secret,
  appIdentifier: SANDBOX_CREDENTIALS.app_identifier,
  organisationId: SANDBOX_CREDENTIALS.organisation_id,
  'Content-Type': 'application/json',
};
let agent = new Agent({ keepAlive: true });
let url = new URL('http://127.0.0.1');

function call(path: string, body: unknown): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function load(job: Job): Promise<{ done: number; bytes: number; elapsed: number }> {
  agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  url = new URL(job.url);
  let done = 0;
  let bytes = 0;
  const started = Date.now();
  const deadline = started + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, w) => {
      for (let i = w; Date.now() < deadline; i += job.concurrency) {
        const res = await call('/getallfidata', { consentID: job.consentIds[i % job.consentIds.length] });
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        done++;
        bytes += res.bytes;
      }
    }),
  );
  agent.destroy();
  return { done, bytes, elapsed: (Date.now() - started) / 1000 };
}

if (process.argv[2] === '--client') {
  process.send?.(await load(JSON.parse(process.argv[3] ?? '{}') as Job));
} else {
  const seconds = Number(process.argv[2] ?? 5);
  const concurrency = Number(process.argv[3] ?? 16);
  const sandbox = await startSandbox({ consents: 10_000, speed: 1000, rateLimit: { limit: 1_000_000_000, windowMs: 60_000 } });
  url = new URL(sandbox.url);
  const consents = sandbox.consents('ACTIVE').slice(0, 2000);
  const to = new Date(Date.now() - 1000).toISOString();
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  await call('/v2/schedule/fi/requests', { reference_id: 'measure-1', fiDataRangeFrom: from, fiDataRangeTo: to, consents_list: consents.map((c) => ({ consent_id: c.id })) });
  await new Promise((r) => setTimeout(r, 500));
  agent.destroy();

  const cpuBefore = process.cpuUsage();
  const job: Job = { url: sandbox.url, consentIds: consents.map((c) => c.id), seconds, concurrency };
  const result = await new Promise<{ done: number; bytes: number; elapsed: number }>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--client', JSON.stringify(job)]);
    child.once('message', (m) => resolve(m as { done: number; bytes: number; elapsed: number }));
    child.once('error', reject);
  });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const stats = sandbox.stats().getallfidata;
  console.log(
    JSON.stringify({
      requests_per_second: Math.round(result.done / result.elapsed),
      mb_per_second: +(result.bytes / result.elapsed / 1e6).toFixed(1),
      avg_accounts: +(stats.accounts / stats.requests).toFixed(2),
      avg_transactions: +(stats.transactions / stats.requests).toFixed(1),
      server_cpu_ms_per_request: +(cpuMs / result.done).toFixed(3),
      requests_per_server_cpu_second: Math.round(result.done / (cpuMs / 1000)),
      concurrency,
      seconds: result.elapsed,
    }),
  );
  await sandbox.close();
}
