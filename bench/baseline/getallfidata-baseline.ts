import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { BASELINE_REPORT_PREFIX, type BaselineReport, type BaselineRequest } from './baseline-report.js';
import { MinimalFinProClient, scheduleAndCollectSessions, type CompletedSession } from './minimal-finpro-client.js';

/**
 * The read-throughput baseline: the floor any connector pays to move the same data. It
 * schedules the same consents (same batch size and range) and waits for their sessions
 * (untimed setup), then, timed: one `POST /getallfidata` per completed session with the same
 * concurrency as the connector, each transaction written to stdout as one RECORD line.
 * No validation, no normalization, no state, no retries: nothing a real connector could skip
 * less of. The last stderr line is a JSON report for the bench.
 */

interface FiAccount {
  linkReferenceNumber?: string;
  linkRefNumber?: string;
  linkedAccRef?: string;
  /** FinPro's shape: `Transaction`, or NPS's containers of tier lists, under `Transactions`. */
  Transactions?: Record<string, unknown>;
}

type Txn = Record<string, unknown>;

/** Every transaction list under `Transactions`, one level of containers deep (NPS tiers). */
function transactionsOf(account: FiAccount): Txn[] {
  const out: Txn[] = [];
  for (const value of Object.values(account.Transactions ?? {})) {
    if (Array.isArray(value)) out.push(...(value as Txn[]));
    else if (value !== null && typeof value === 'object') {
      for (const inner of Object.values(value)) if (Array.isArray(inner)) out.push(...(inner as Txn[]));
    }
  }
  return out;
}

const FLUSH_CHARS = 64 * 1024;

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as BaselineRequest;
  const consentIds = (await readFile(request.consentIdsFile, 'utf8')).split('\n').filter((line) => line.length > 0);
  const client = new MinimalFinProClient(request.url, request.credentials, request.concurrency);
  const setupStarted = performance.now();
  const sessions = await scheduleAndCollectSessions(client, {
    consentIds,
    batchSize: request.batchSize,
    rangeFrom: request.rangeFrom,
    rangeTo: request.rangeTo,
    prefix: `baseline-${Date.now()}`,
    timeoutMs: request.timeoutMs,
  });
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const cpuBefore = process.cpuUsage();
  const fetchStarted = performance.now();
  let buffered: string[] = [];
  let bufferedChars = 0;
  const flush = async () => {
    if (buffered.length === 0) return;
    const data = buffered.join('');
    buffered = [];
    bufferedChars = 0;
    if (!process.stdout.write(data)) await once(process.stdout, 'drain');
  };
  const totals = { requests: 0, accounts: 0, transactions: 0, failedRequests: 0 };
  let next = 0;
  const fetchOne = async (session: CompletedSession) => {
    totals.requests++;
    const response = await client.post('/getallfidata', { consentID: session.consentId, sessionId: session.sessionId });
    if (response.status !== 200) {
      totals.failedRequests++;
      return;
    }
    const body = JSON.parse(response.body.toString('utf8')) as { data: FiAccount[] };
    const fetchedAt = new Date().toISOString();
    for (const account of body.data) {
      totals.accounts++;
      const link = account.linkReferenceNumber ?? account.linkRefNumber ?? account.linkedAccRef ?? null;
      for (const txn of transactionsOf(account)) {
        totals.transactions++;
        const line = JSON.stringify({
          type: 'RECORD',
          record: {
            stream: 'fi_transactions',
            data: { ...txn, consent_id: session.consentId, session_id: session.sessionId, link_reference_number: link, fetched_at: fetchedAt },
            emitted_at: Date.now(),
          },
        });
        buffered.push(line, '\n');
        bufferedChars += line.length + 1;
      }
    }
    if (bufferedChars >= FLUSH_CHARS) await flush();
  };
  const worker = async () => {
    while (next < sessions.length) await fetchOne(sessions[next++]!);
  };
  await Promise.all(Array.from({ length: request.concurrency }, worker));
  await flush();
  const fetchSeconds = (performance.now() - fetchStarted) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  client.close();
  const report: BaselineReport = {
    setupSeconds,
    fetchSeconds,
    fetchCpuSeconds: (cpu.user + cpu.system) / 1e6,
    sessions: sessions.length,
    ...totals,
  };
  process.stderr.write(`${BASELINE_REPORT_PREFIX}${JSON.stringify(report)}\n`);
}

await main();
