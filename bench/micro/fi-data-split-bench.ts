/**
 * CPU of splitting a /getallfidata answer (connector/finpro/fi-data-stream-splitter.ts)
 * against today's path (Buffer.concat of the chunks, toString, JSON.parse of the whole), on
 * the same bytes in the same process, interleaved round by round so machine load hits both
 * alike. Not part of `npm run bench`:
 *   npm run build && node --expose-gc dist/bench/micro/fi-data-split-bench.js [seconds-per-answer]
 * `split` is the default (answers under 64 KiB JSON.parsed whole), `split_scan_only` forces
 * the byte scanner (wholeBelowBytes 0) to show its own cost.
 * Answers: one real sandbox answer (an ACTIVE consent, one year), a synthetic ~30 MB one
 * (30 accounts of ~1 MB, made of the real answer's transactions) and one account with a
 * 5 MB narration (the hostile corpus's long string). Bodies are cut into 64 KiB chunks, as
 * a socket gives them.
 */
import { startSandbox, SANDBOX_CREDENTIALS } from '../../sandbox/index.js';
import { FiDataStreamSplitter } from '../../connector/finpro/fi-data-stream-splitter.js';
import { finproAuthHeaders } from '../../connector/finpro/finpro-headers.js';
import { summarize } from '../harness/sample-stats.js';

const CHUNK = 64 * 1024;
const seconds = Number(process.argv[2] ?? 4);

async function realAnswer(): Promise<Buffer> {
  const sandbox = await startSandbox({ consents: 50, speed: 1000, seed: 42, rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  try {
    const headers = { ...finproAuthHeaders(SANDBOX_CREDENTIALS), 'Content-Type': 'application/json' };
    const post = async (path: string, body: unknown): Promise<Buffer> => {
      const res = await fetch(new URL(path, sandbox.url), { method: 'POST', headers, body: JSON.stringify(body) });
      const bytes = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      return bytes;
    };
    const to = new Date(Date.now() - 60_000).toISOString();
    const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
    // The consent with the most accounts among the first ACTIVE ones: a realistic large answer.
    let best: Buffer = Buffer.alloc(0);
    for (const consent of sandbox.consents('ACTIVE').slice(0, 10)) {
      const started = JSON.parse((await post('/fi/request', { consentId: consent.id, fiDataRangeFrom: from, fiDataRangeTo: to })).toString()) as { data: { sessionId: string } };
      const sessionId = started.data.sessionId;
      for (let i = 0; i < 500; i++) {
        const status = JSON.parse((await post('/consent/firequest/status', { sessionId })).toString()) as { data: { eventStatus: string } };
        if (status.data.eventStatus === 'DATA_READY') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const body = await post('/getallfidata', { consentID: consent.id, sessionId });
      if (body.length > best.length) best = body;
    }
    return best;
  } finally {
    await sandbox.close();
  }
}

/** An account in FinPro's shape with a plain `Transactions/Transaction` list (a deposit's). */
interface Account {
  Transactions: { Transaction: Record<string, unknown>[]; [key: string]: unknown };
  [key: string]: unknown;
}

function plainAccount(answer: { data: Account[] }): Account {
  const account = answer.data.find((a) => (a.Transactions?.Transaction?.length ?? 0) > 0);
  if (!account) throw new Error('the sandbox answer has no account with a Transactions/Transaction list');
  return account;
}

function synthetic(real: Buffer, accounts: number, bytesPerAccount: number): Buffer {
  const answer = JSON.parse(real.toString()) as { data: Account[] };
  const template = plainAccount(answer);
  const txns = template.Transactions.Transaction;
  const perTxn = Buffer.byteLength(JSON.stringify(txns[0]));
  const count = Math.ceil(bytesPerAccount / perTxn);
  const data = Array.from({ length: accounts }, (_, a) => ({
    ...template,
    linkReferenceNumber: `link-${a}`,
    Transactions: { ...template.Transactions, Transaction: Array.from({ length: count }, (_, t) => ({ ...txns[t % txns.length], txnId: `T${a}-${t}` })) },
  }));
  return Buffer.from(JSON.stringify({ ...answer, data }));
}

function longNarration(real: Buffer): Buffer {
  const answer = JSON.parse(real.toString()) as { data: Account[] };
  const account = plainAccount(answer);
  const narration = 'UPI/₹ "quoted" \\ back/'.repeat(Math.ceil((5 * 1024 * 1024) / 24));
  return Buffer.from(JSON.stringify({ ...answer, data: [{ ...account, Transactions: { ...account.Transactions, Transaction: [{ ...account.Transactions.Transaction[0], narration }] } }] }));
}

function chunked(body: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += CHUNK) chunks.push(Buffer.from(body.subarray(i, i + CHUNK)));
  return chunks;
}

let sink = 0;

function whole(chunks: Buffer[]): void {
  const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: unknown[] };
  sink += answer.data.length;
}

function parseOnly(text: string): void {
  sink += (JSON.parse(text) as { data: unknown[] }).data.length;
}

function split(chunks: Buffer[], wholeBelowBytes?: number): void {
  const splitter = new FiDataStreamSplitter({ maxElementBytes: 64 * 1024 * 1024, ...(wholeBelowBytes !== undefined ? { wholeBelowBytes } : {}) });
  for (const chunk of chunks) {
    splitter.write(chunk);
    for (let e = splitter.readElement(); e !== null; e = splitter.readElement()) sink += e.value === null ? 0 : 1;
  }
  splitter.end();
  for (let e = splitter.readElement(); e !== null; e = splitter.readElement()) sink += e.value === null ? 0 : 1;
  sink += splitter.result().elements;
}

function cpuMs(fn: () => void, reps: number): number {
  const before = process.cpuUsage();
  for (let r = 0; r < reps; r++) fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / reps;
}

const median = (xs: readonly number[]): number => summarize(xs).median;

function bench(name: string, body: Buffer): void {
  const chunks = chunked(body);
  const text = body.toString('utf8');
  // Reps per round so a round is ~50 ms.
  const probe = cpuMs(() => whole(chunks), 1);
  const reps = Math.max(1, Math.round(50 / Math.max(probe, 0.01)));
  for (let w = 0; w < 3; w++) {
    whole(chunks);
    split(chunks);
    split(chunks, 0);
    parseOnly(text);
  }
  const wholeMs: number[] = [];
  const splitMs: number[] = [];
  const scanMs: number[] = [];
  const parseMs: number[] = [];
  const ratios: number[] = [];
  const scanRatios: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline || ratios.length < 5) {
    const w = cpuMs(() => whole(chunks), reps);
    const s = cpuMs(() => split(chunks), reps);
    const c = cpuMs(() => split(chunks, 0), reps);
    const p = cpuMs(() => parseOnly(text), reps);
    wholeMs.push(w);
    splitMs.push(s);
    scanMs.push(c);
    parseMs.push(p);
    ratios.push(s / w);
    scanRatios.push(c / w);
  }
  const mb = body.length / 1e6;
  console.log(
    JSON.stringify({
      answer: name,
      bytes: body.length,
      chunks: chunks.length,
      rounds: ratios.length,
      reps_per_round: reps,
      whole_ms: +median(wholeMs).toFixed(3),
      parse_only_ms: +median(parseMs).toFixed(3),
      split_ms: +median(splitMs).toFixed(3),
      split_scan_only_ms: +median(scanMs).toFixed(3),
      whole_mb_s: Math.round(mb / (median(wholeMs) / 1000)),
      split_mb_s: Math.round(mb / (median(splitMs) / 1000)),
      // Medians of per-round ratios: each round runs both on the same load.
      split_over_whole: +median(ratios).toFixed(3),
      scan_only_over_whole: +median(scanRatios).toFixed(3),
    }),
  );
}

/** Live heap while reading one answer each way: at each element, and with the whole answer parsed. */
function memory(name: string, body: Buffer): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return;
  const chunks = chunked(body);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peakSplit = 0;
  const splitter = new FiDataStreamSplitter({ maxElementBytes: 64 * 1024 * 1024 });
  for (const chunk of chunks) {
    splitter.write(chunk);
    for (let e = splitter.readElement(); e !== null; e = splitter.readElement()) {
      // Live heap while this element is held (garbage of earlier ones collected first).
      gc();
      peakSplit = Math.max(peakSplit, process.memoryUsage().heapUsed - base);
      sink += e.value === null ? 0 : 1;
    }
  }
  splitter.end();
  while (splitter.readElement() !== null);
  gc();
  const base2 = process.memoryUsage().heapUsed;
  const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  gc();
  const wholeHeap = process.memoryUsage().heapUsed - base2;
  sink += answer === null ? 0 : 1;
  console.log(JSON.stringify({ answer: name, live_heap_mb_split_max_at_element: +(peakSplit / 1e6).toFixed(1), live_heap_mb_whole_parsed: +(wholeHeap / 1e6).toFixed(1) }));
}

/** The real answer's accounts repeated: many ordinary accounts (a wide consent or a long range). */
function repeated(real: Buffer, accounts: number): Buffer {
  const answer = JSON.parse(real.toString()) as { data: Account[] };
  const data = Array.from({ length: accounts }, (_, a) => ({ ...answer.data[a % answer.data.length]!, linkReferenceNumber: `link-${a}` }));
  return Buffer.from(JSON.stringify({ ...answer, data }));
}

const real = await realAnswer();
const big = synthetic(real, 30, 1_000_000);
const narration = longNarration(real);
bench('sandbox consent-year', real);
bench('sandbox accounts x 8', repeated(real, 8));
bench('sandbox accounts x 40', repeated(real, 40));
bench('sandbox accounts x 200', repeated(real, 200));
bench('synthetic 30 accounts x 1 MB', big);
bench('5 MB narration', narration);
memory('synthetic 30 accounts x 1 MB', big);
memory('sandbox accounts x 200', repeated(real, 200));
if (sink === -1) console.log('unreachable');
