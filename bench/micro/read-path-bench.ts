/**
 * CPU of the read's record path alone, in one process: FinPro answers captured from the
 * sandbox once, then replayed through the connector's own FinproClient (a fetch that answers
 * from memory), FiDataHarvester, FiRecordOutlet, StateManager and StdoutEmitter, writing to
 * /dev/null. No sockets, no sandbox, no polling: what remains is parsing, normalizing,
 * building, serialising, checking for secrets and writing records, the part the read bench
 * cannot separate from the rest of a `read`. Not part of `npm run bench`:
 *   npm run build && node dist/bench/micro/read-path-bench.js [seconds-per-case] [consents]
 * Cases run interleaved round by round, so machine load hits them alike; each prints the
 * median CPU per 100,000 transactions and the bytes written per transaction.
 */
import { createWriteStream } from 'node:fs';
import { startSandbox, SANDBOX_CREDENTIALS } from '../../sandbox/index.js';
import { ConfigSchema } from '../../connector/config.js';
import { FiDataHarvester } from '../../connector/fetch/fi-data-harvester.js';
import { FinproClient } from '../../connector/finpro/finpro-client.js';
import { finproAuthHeaders } from '../../connector/finpro/finpro-headers.js';
import { FiRecordOutlet } from '../../connector/personal-data/fi-record-outlet.js';
import { MessageEmitter, StdoutEmitter } from '../../connector/protocol/message-emitter.js';
import { processSecrets } from '../../connector/protocol/secret-detector.js';
import { StateManager } from '../../connector/state/state-manager.js';
import { STREAM_NAMES, type StreamName } from '../../connector/streams/stream-registry.js';
import { READ_RANGE_DAYS } from '../benches/read-throughput-bench.js';
import { summarize } from '../harness/sample-stats.js';

const seconds = Number(process.argv[2] ?? 20);
const consents = Number(process.argv[3] ?? 300);

interface Answer {
  consentId: string;
  sessionId: string;
  body: Buffer;
}

/** One single FI request per ACTIVE consent over the read bench's range, answered at once (speed 1000). */
async function captureAnswers(): Promise<Answer[]> {
  const sandbox = await startSandbox({ consents: consents * 2, speed: 1000, seed: 7, faults: 'none', rateLimit: { limit: 1_000_000_000, windowMs: 60_000 } });
  try {
    const headers = { ...finproAuthHeaders(SANDBOX_CREDENTIALS), 'Content-Type': 'application/json' };
    const post = async (path: string, body: unknown): Promise<{ status: number; bytes: Buffer }> => {
      const res = await fetch(new URL(path, sandbox.url), { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const to = new Date(Date.now() - 60_000).toISOString();
    const from = new Date(Date.now() - READ_RANGE_DAYS * 86_400_000).toISOString();
    const answers: Answer[] = [];
    for (const consent of sandbox.consents('ACTIVE').slice(0, consents)) {
      const started = await post('/fi/request', { consentId: consent.id, fiDataRangeFrom: from, fiDataRangeTo: to });
      if (started.status !== 200) continue;
      const sessionId = (JSON.parse(started.bytes.toString()) as { data: { sessionId: string } }).data.sessionId;
      let ready = false;
      for (let i = 0; i < 500 && !ready; i++) {
        const status = JSON.parse((await post('/consent/firequest/status', { sessionId })).bytes.toString()) as { data: { eventStatus: string } };
        ready = status.data.eventStatus === 'DATA_READY';
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (!ready) continue;
      const data = await post('/getallfidata', { consentID: consent.id, sessionId });
      if (data.status === 200) answers.push({ consentId: consent.id, sessionId, body: data.bytes });
    }
    return answers;
  } finally {
    await sandbox.close();
  }
}

interface Case {
  name: string;
  streams: StreamName[];
  personalData: Record<string, unknown>;
}

const HASH_KEY = '5f0c8a1e2b3d4c6f7a8b9c0d1e2f3a4b';
const CASES: Case[] = [
  { name: 'fi_transactions only', streams: ['fi_transactions'], personalData: { mode: 'keep' } },
  { name: 'every stream', streams: [...STREAM_NAMES], personalData: { mode: 'keep' } },
  {
    name: 'every stream, personal_data hash',
    streams: [...STREAM_NAMES],
    personalData: { mode: 'hash', hash_key: HASH_KEY, fields: ['name', 'dob', 'mobile', 'email', 'pan', 'address', 'landline', 'dematId', 'pranId', 'folioNo', 'narration'] },
  },
];

/** One pass over every answer, 8 in flight as the read does; returns transactions and bytes written. */
async function readAll(answers: readonly Answer[], c: Case): Promise<{ transactions: number; bytes: number }> {
  const bodies = new Map(answers.map((a) => [a.sessionId, a.body]));
  const config = ConfigSchema.parse({ credentials: SANDBOX_CREDENTIALS, base_url: 'http://127.0.0.1:9', consent_ids: ['c'], personal_data: c.personalData });
  const replay: typeof fetch = async (_url, init) => {
    const { sessionId } = JSON.parse(String(init?.body)) as { sessionId: string };
    return new Response(bodies.get(sessionId)!, { status: 200, headers: { 'content-type': 'application/json', date: new Date().toUTCString() } });
  };
  const out = createWriteStream('/dev/null');
  let bytes = 0;
  const write = out.write.bind(out) as (chunk: string) => boolean;
  out.write = ((chunk: string) => {
    bytes += Buffer.byteLength(chunk);
    return write(chunk);
  }) as typeof out.write;
  const emitter = new StdoutEmitter(out);
  const state = new StateManager(c.streams, new Map(), new MessageEmitter(emitter));
  const harvester = new FiDataHarvester(new FinproClient({ config, fetch: replay }), new FiRecordOutlet(state, config), Date.now, () => undefined);
  const queue = [...answers];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let a = queue.shift(); a !== undefined; a = queue.shift()) {
        const result = await harvester.harvest({ consentId: a.consentId, sessionId: a.sessionId });
        if (!result.ok) throw new Error(`${a.consentId}: ${result.code}`);
      }
    }),
  );
  await emitter.close();
  await new Promise<void>((resolve) => out.end(resolve));
  return { transactions: harvester.totals.transactions, bytes };
}

const answers = await captureAnswers();
processSecrets.add(SANDBOX_CREDENTIALS.client_secret, HASH_KEY);
const samples = CASES.map(() => [] as number[]);
const last = CASES.map(() => ({ transactions: 0, bytes: 0 }));
for (const c of CASES) for (let w = 0; w < 2; w++) await readAll(answers, c);
const deadline = Date.now() + seconds * 1000 * CASES.length;
while (Date.now() < deadline || samples[0]!.length < 5) {
  for (let i = 0; i < CASES.length; i++) {
    const before = process.cpuUsage();
    last[i] = await readAll(answers, CASES[i]!);
    const used = process.cpuUsage(before);
    samples[i]!.push(((used.user + used.system) / 1000 / last[i]!.transactions) * 100_000);
  }
}
const answerBytes = answers.reduce((sum, a) => sum + a.body.length, 0);
CASES.forEach((c, i) => {
  const s = summarize(samples[i]!);
  console.log(
    JSON.stringify({
      case: c.name,
      answers: answers.length,
      answer_mb: +(answerBytes / 1e6).toFixed(1),
      transactions: last[i]!.transactions,
      rounds: samples[i]!.length,
      cpu_ms_per_100k_transactions: +s.median.toFixed(0),
      min: +s.min.toFixed(0),
      max: +s.max.toFixed(0),
      bytes_written_per_transaction: Math.round(last[i]!.bytes / last[i]!.transactions),
    }),
  );
});
