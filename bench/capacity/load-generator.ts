import { readFile } from 'node:fs/promises';
import { MinimalFinProClient, scheduleAndCollectSessions } from '../baseline/minimal-finpro-client.js';
import { LOAD_REPORT_PREFIX, type LoadGeneratorReport, type LoadGeneratorRequest } from './load-generator-report.js';

/**
 * A load generator for the sandbox, in its own process: after an untimed setup (schedule the
 * consents, wait for their sessions), it sends `POST /getallfidata` round-robin over those
 * sessions with a fixed number in flight, until `requests` are done or `timeLimitMs` passes.
 * Bodies are read but not parsed: this measures the server, not JSON.parse.
 */
async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as LoadGeneratorRequest;
  const consentIds = (await readFile(request.consentIdsFile, 'utf8')).split('\n').filter((line) => line.length > 0);
  const client = new MinimalFinProClient(request.url, request.credentials, request.concurrency);
  const sessions = await scheduleAndCollectSessions(client, {
    consentIds,
    batchSize: 1000,
    rangeFrom: request.rangeFrom,
    rangeTo: request.rangeTo,
    prefix: `load-${Date.now()}`,
    timeoutMs: 120_000,
  });
  if (sessions.length === 0) throw new Error('no completed sessions to load');
  const report: LoadGeneratorReport = { requests: 0, ok: 0, failed: 0, bytes: 0, seconds: 0, sessions: sessions.length };
  const started = performance.now();
  const deadline = started + request.timeLimitMs;
  let issued = 0;
  const worker = async () => {
    while (issued < request.requests && performance.now() < deadline) {
      const session = sessions[issued++ % sessions.length]!;
      const response = await client.post('/getallfidata', { consentID: session.consentId, sessionId: session.sessionId });
      report.requests++;
      report.bytes += response.body.length;
      if (response.status === 200) report.ok++;
      else report.failed++;
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, worker));
  report.seconds = (performance.now() - started) / 1000;
  client.close();
  process.stderr.write(`${LOAD_REPORT_PREFIX}${JSON.stringify(report)}\n`);
}

await main();
