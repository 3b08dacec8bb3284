import { join } from 'node:path';
import type { SandboxStats } from '../../sandbox/index.js';
import type { Benchmark } from '../harness/bench-context.js';
import { CONNECTOR_BATCH_SIZE, CONNECTOR_CONCURRENCY, FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { assertClean, runChild } from '../harness/child-run.js';
import { ROUTES, runConnectorRead, statsOf } from '../harness/connector-read.js';
import { countMessagesInFile } from '../harness/record-counter.js';
import { rm } from 'node:fs/promises';
import { pairedRatios } from '../harness/sample-stats.js';
import { startSandboxProcess } from '../harness/sandbox-process.js';
import { parseReportLine, type BaselineReport, type BaselineRequest } from '../baseline/baseline-report.js';

/** getallfidata requests/s the connector drew in each run, for the capacity bench. */
export const READ_REQUEST_RATE_KEY = 'read.getallfidata-per-second';
/** Sandbox stats of each read run, for the api-cost bench (keyed by consent count). */
export const READ_RANGE_DAYS = 540;
export const readStatsKey = (consents: number) => `statsOf(read).${consents}`;
/**
 * personal_data for the hash runs: the default holder fields plus narration, the heaviest
 * setting (an HMAC per transaction, in fi_data's raw objects and in fi_transactions).
 */
const HASH_PERSONAL_DATA = {
  mode: 'hash',
  hash_key: '5f0c8a1e2b3d4c6f7a8b9c0d1e2f3a4b',
  fields: ['name', 'dob', 'mobile', 'email', 'pan', 'address', 'landline', 'dematId', 'pranId', 'folioNo', 'narration'],
};

/**
 * 1. Read throughput: the built CLI's `read` of every stream against a sandbox process, and
 * the baseline program fetching the same consents' data with the same concurrency, run by
 * run back to back. The figure is fi_transactions records per second.
 */
export const readThroughputBench: Benchmark = {
  id: 'read',
  title: 'Read throughput (records/s, CPU per 100,000 records)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const consents = quick ? 1000 : 10_000;
    const runs = ctx.runs(3);
    // 540 days: about 1,000,000 transactions over the ~16,000 delivered accounts of 10,000 consents.
    const range = dataRange(READ_RANGE_DAYS);
    const config = { fi_data_range_from: range.from, fi_data_range_to: range.to };
    const connectorRates: number[] = [];
    const onlyTxnRates: number[] = [];
    const onlyTxnCpu: number[] = [];
    const baselineRates: number[] = [];
    const connectorCpu: number[] = [];
    const baselineCpu: number[] = [];
    const allRecordRates: number[] = [];
    const requestRates: number[] = [];
    const sandboxCpuShares: number[] = [];
    const hashRates: number[] = [];
    const hashCpu: number[] = [];
    const statsList: SandboxStats[] = [];
    let transactionsSeen = 0;
    let accountsSeen = 0;
    let totalRecords = 0;
    for (let run = 0; run < runs; run++) {
      const read = await runConnectorRead(ctx, { label: `connector-${run}`, consents, sandbox: FAST_SANDBOX, config, timeoutMs: 20 * 60_000 });
      const records = read.counts!;
      const transactions = records.records['fi_transactions'] ?? 0;
      if (transactions === 0) throw new Error(`read emitted no fi_transactions records (records: ${JSON.stringify(records.records)})`);
      connectorRates.push(transactions / read.run.wallSeconds);
      allRecordRates.push(records.totalRecords / read.run.wallSeconds);
      connectorCpu.push((read.run.cpuSeconds / transactions) * 100_000);
      requestRates.push(statsOf(read).getallfidata.requests / read.run.wallSeconds);
      sandboxCpuShares.push(read.sandboxCpuSeconds / read.run.wallSeconds);
      statsList.push(statsOf(read));
      transactionsSeen = transactions;
      accountsSeen = records.records['fi_accounts'] ?? 0;
      totalRecords = records.totalRecords;
      ctx.log(
        `connector run ${run + 1}/${runs}: ${transactions.toLocaleString('en-US')} transactions in ${read.run.wallSeconds.toFixed(1)} s, CPU ${read.run.cpuSeconds.toFixed(1)} s, sandbox CPU ${read.sandboxCpuSeconds.toFixed(1)} s, ${statsOf(read).getallfidata.requests} data requests`,
      );

      // Like for like with the baseline: the same records and nothing else.
      const only = await runConnectorRead(ctx, {
        label: `connector-txn-${run}`,
        consents,
        sandbox: FAST_SANDBOX,
        config,
        streams: ['fi_transactions'],
        timeoutMs: 20 * 60_000,
      });
      const onlyTransactions = only.counts!.records['fi_transactions'] ?? 0;
      onlyTxnRates.push(onlyTransactions / only.run.wallSeconds);
      onlyTxnCpu.push((only.run.cpuSeconds / Math.max(1, onlyTransactions)) * 100_000);
      ctx.log(`connector run ${run + 1}/${runs} (fi_transactions only): ${onlyTransactions.toLocaleString('en-US')} in ${only.run.wallSeconds.toFixed(1)} s, CPU ${only.run.cpuSeconds.toFixed(1)} s`);

      // The same read as the first, with personal data hashed: what `mode: hash` costs against `keep`.
      const hashed = await runConnectorRead(ctx, {
        label: `connector-hash-${run}`,
        consents,
        sandbox: FAST_SANDBOX,
        config: { ...config, personal_data: HASH_PERSONAL_DATA },
        timeoutMs: 20 * 60_000,
      });
      const hashedTransactions = hashed.counts!.records['fi_transactions'] ?? 0;
      if (hashedTransactions !== transactions) throw new Error(`the hash read emitted ${hashedTransactions} fi_transactions, the keep read ${transactions}`);
      hashRates.push(hashedTransactions / hashed.run.wallSeconds);
      hashCpu.push((hashed.run.cpuSeconds / Math.max(1, hashedTransactions)) * 100_000);
      ctx.log(`connector run ${run + 1}/${runs} (personal_data hash): ${hashedTransactions.toLocaleString('en-US')} transactions in ${hashed.run.wallSeconds.toFixed(1)} s, CPU ${hashed.run.cpuSeconds.toFixed(1)} s`);

      const baseline = await runBaseline(ctx, `baseline-${run}`, consents, range);
      baselineRates.push(baseline.transactions / baseline.fetchSeconds);
      baselineCpu.push((baseline.fetchCpuSeconds / baseline.transactions) * 100_000);
      ctx.log(`baseline run ${run + 1}/${runs}: ${baseline.transactions.toLocaleString('en-US')} transactions in ${baseline.fetchSeconds.toFixed(1)} s (setup ${baseline.setupSeconds.toFixed(1)} s)`);
    }
    ctx.shared.set(READ_REQUEST_RATE_KEY, requestRates);
    ctx.shared.set(readStatsKey(consents), statsList);
    return {
      method: [
        `${consents.toLocaleString('en-US')} consents (all sandbox scenarios: ~80% deliver data at once, ~10% after a retry batch, ~10% fail for good), ${READ_RANGE_DAYS} days of data (${range.from} to ${range.to}): ${accountsSeen.toLocaleString('en-US')} accounts, ${transactionsSeen.toLocaleString('en-US')} transactions, ${totalRecords.toLocaleString('en-US')} records over all five streams in the last run.`,
        `Connector: \`node dist/connector/main.js read\`, full refresh, once with every stream selected (what a user runs; fi_data repeats each account's raw transactions) and once with fi_transactions only (the baseline's records and nothing else), default batch_size ${CONNECTOR_BATCH_SIZE} and max_concurrency ${CONNECTOR_CONCURRENCY}, polling 0.2-1 s; stdout goes to a file the child writes itself (page cache), counted after it exits, so no reader is on its critical path. Its clock runs from spawn to exit: process start, scheduling, waiting for the (50x sped-up) batches, fetching, emitting.`,
        `Baseline (bench/baseline/getallfidata-baseline.ts): schedules the same consents with the same batch size and range and waits for their sessions (untimed), then, timed, one \`getallfidata\` per session with ${CONNECTOR_CONCURRENCY} in flight, writing each transaction as one RECORD line. The floor: no validation, normalization, state or retries, and no other stream.`,
        'CPU: the connector\'s whole process (cutime/cstime of the bench process across the child\'s life); the baseline\'s fetch phase (process.cpuUsage). The sandbox runs in its own process (faults off, rate limit off, processing 50x); the sandbox, the connector and the bench counter share the 2 cores.',
        `personal_data hash: the every-stream read again with \`personal_data: {mode: hash}\`, holder fields and narration (an HMAC-SHA-256 per holder value and per narration, in fi_data's raw objects and the normalized streams), compared with the every-stream read (\`keep\`, the default) of the same round.`,
        `Paired runs: connector (every stream), connector (fi_transactions only), connector (every stream, personal_data hash), then baseline, each on a fresh sandbox; ${runs} rounds.`,
      ],
      figures: [
        {
          bench: 'read',
          name: 'fi_transactions records/s, every stream selected',
          value: { samples: connectorRates, unit: 'records/s' },
          reference: { name: 'baseline', value: { samples: baselineRates, unit: 'records/s' } },
          ratio: { samples: pairedRatios(connectorRates, baselineRates), unit: 'x' },
          target: { metric: 'ratio', op: '>=', threshold: 0.7, text: '>= 0.7 x baseline' },
        },
        {
          bench: 'read',
          name: 'fi_transactions records/s, only that stream selected',
          value: { samples: onlyTxnRates, unit: 'records/s' },
          reference: { name: 'baseline', value: { samples: baselineRates, unit: 'records/s' } },
          ratio: { samples: pairedRatios(onlyTxnRates, baselineRates), unit: 'x' },
          target: { metric: 'ratio', op: '>=', threshold: 0.7, text: '>= 0.7 x baseline' },
        },
        {
          bench: 'read',
          name: 'CPU per 100,000 transactions',
          value: { samples: connectorCpu, unit: 'CPU s' },
          reference: { name: 'baseline', value: { samples: baselineCpu, unit: 'CPU s' } },
          ratio: { samples: pairedRatios(connectorCpu, baselineCpu), unit: 'x' },
        },
        {
          bench: 'read',
          name: 'CPU per 100,000 transactions, only that stream selected',
          value: { samples: onlyTxnCpu, unit: 'CPU s' },
          reference: { name: 'baseline', value: { samples: baselineCpu, unit: 'CPU s' } },
          ratio: { samples: pairedRatios(onlyTxnCpu, baselineCpu), unit: 'x' },
        },
        {
          bench: 'read',
          name: 'fi_transactions records/s, every stream, personal_data hash',
          value: { samples: hashRates, unit: 'records/s' },
          reference: { name: 'keep', value: { samples: connectorRates, unit: 'records/s' } },
          ratio: { samples: pairedRatios(hashRates, connectorRates), unit: 'x' },
        },
        {
          bench: 'read',
          name: 'CPU per 100,000 transactions, personal_data hash',
          value: { samples: hashCpu, unit: 'CPU s' },
          reference: { name: 'keep', value: { samples: connectorCpu, unit: 'CPU s' } },
          ratio: { samples: pairedRatios(hashCpu, connectorCpu), unit: 'x' },
        },
        { bench: 'read', name: 'all records/s (every stream)', value: { samples: allRecordRates, unit: 'records/s' } },
        { bench: 'read', name: 'getallfidata requests/s drawn', value: { samples: requestRates, unit: 'req/s' } },
        { bench: 'read', name: 'sandbox CPU during read', value: { samples: sandboxCpuShares, unit: 'cores' } },
      ],
    };
  },
};

async function runBaseline(ctx: Parameters<Benchmark['run']>[0], label: string, consents: number, range: { from: string; to: string }): Promise<BaselineReport> {
  const consentIdsFile = join(ctx.workDir, `${label}-consents.txt`);
  const sandbox = await startSandboxProcess({ root: ctx.codeRoot, options: { ...FAST_SANDBOX, consents }, consentIdsFile });
  try {
    const request: BaselineRequest = {
      url: sandbox.url,
      credentials: sandbox.credentials,
      consentIdsFile,
      batchSize: CONNECTOR_BATCH_SIZE,
      concurrency: CONNECTOR_CONCURRENCY,
      rangeFrom: range.from,
      rangeTo: range.to,
      timeoutMs: 5 * 60_000,
    };
    const outFile = join(ctx.workDir, `${label}-stdout.jsonl`);
    const result = await runChild({
      command: process.execPath,
      args: [join(ctx.codeRoot, 'dist', 'bench', 'baseline', 'getallfidata-baseline.js'), JSON.stringify(request)],
      stdout: { file: outFile },
      timeoutMs: 15 * 60_000,
    });
    assertClean(`baseline (${label})`, result);
    const report = parseReportLine<BaselineReport>(result.stderrTail);
    const counts = await countMessagesInFile(outFile);
    await rm(outFile, { force: true });
    if (counts.totalRecords !== report.transactions) {
      throw new Error(`baseline wrote ${counts.totalRecords} records but counted ${report.transactions} transactions`);
    }
    if (report.failedRequests > 0) throw new Error(`baseline: ${report.failedRequests} getallfidata requests failed`);
    const data = (await sandbox.stats()).requests.by_route[ROUTES.data];
    if (!data) throw new Error('baseline made no getallfidata request');
    return report;
  } finally {
    await sandbox.close();
  }
}
