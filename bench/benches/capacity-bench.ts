import { join } from 'node:path';
import type { Benchmark } from '../harness/bench-context.js';
import type { Figure } from '../harness/bench-types.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { runChild, assertClean } from '../harness/child-run.js';
import { startSandboxProcess } from '../harness/sandbox-process.js';
import { parseReportLine } from '../baseline/baseline-report.js';
import { LOAD_REPORT_PREFIX, type LoadGeneratorReport, type LoadGeneratorRequest } from '../capacity/load-generator-report.js';
import { pairedRatios, summarize } from '../harness/sample-stats.js';
import { READ_REQUEST_RATE_KEY } from './read-throughput-bench.js';

/**
 * 6. Sandbox capacity: how many `getallfidata` requests per second the sandbox answers on
 * loopback, from a load generator in its own process, compared with the rate the connector
 * drew from it in the read bench. Above 1, the sandbox is not what limits the connector.
 */
export const capacityBench: Benchmark = {
  id: 'capacity',
  title: 'Sandbox capacity (getallfidata requests/s on loopback)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const consents = quick ? 200 : 1000;
    const requests = quick ? 3000 : 20_000;
    const concurrency = 16;
    const runs = ctx.runs(quick ? 3 : 5);
    const range = dataRange(365);
    const consentIdsFile = join(ctx.workDir, 'consents.txt');
    const sandbox = await startSandboxProcess({ root: ctx.codeRoot, options: { ...FAST_SANDBOX, consents }, consentIdsFile });
    const rates: number[] = [];
    const megabytes: number[] = [];
    const sandboxCpuMs: number[] = [];
    try {
      for (let run = 0; run < runs; run++) {
        const request: LoadGeneratorRequest = {
          url: sandbox.url,
          credentials: sandbox.credentials,
          consentIdsFile,
          rangeFrom: range.from,
          rangeTo: range.to,
          requests,
          concurrency,
          timeLimitMs: 60_000,
        };
        const cpuBefore = sandbox.cpuSeconds();
        const result = await runChild({
          command: process.execPath,
          args: [join(ctx.codeRoot, 'dist', 'bench', 'capacity', 'load-generator.js'), JSON.stringify(request)],
          stdout: 'ignore',
          timeoutMs: 180_000,
        });
        assertClean('load generator', result);
        const report = parseReportLine<LoadGeneratorReport>(result.stderrTail, LOAD_REPORT_PREFIX);
        if (report.failed > 0) throw new Error(`${report.failed} of ${report.requests} getallfidata requests failed`);
        const cpu = sandbox.cpuSeconds() - cpuBefore;
        rates.push(report.requests / report.seconds);
        megabytes.push(report.bytes / 2 ** 20 / report.seconds);
        // CPU over the whole child run, setup included (a few hundred requests), per data request.
        sandboxCpuMs.push((cpu * 1000) / report.requests);
        ctx.log(`run ${run + 1}/${runs}: ${Math.round(report.requests / report.seconds)} req/s, ${(report.bytes / report.requests / 1024).toFixed(1)} KiB/response`);
      }
    } finally {
      await sandbox.close();
    }
    const connectorRates = ctx.shared.get(READ_REQUEST_RATE_KEY) as number[] | undefined;
    const reference = connectorRates && connectorRates.length > 0 ? connectorRates : undefined;
    const figures: Figure[] = [
      {
        bench: 'capacity',
        name: 'getallfidata requests/s (sandbox, loopback)',
        value: { samples: rates, unit: 'req/s' },
        ...(reference
          ? {
              reference: { name: 'connector read rate', value: { samples: reference, unit: 'req/s' } },
              // Not paired (different processes and runs): each capacity run against the median connector rate.
              ratio: { samples: pairedRatios(rates, rates.map(() => summarize(reference).median)), unit: 'x' },
              target: { metric: 'ratio', op: '>=', threshold: 1.5, text: '>= 1.5 x connector rate (never the bottleneck)' },
            }
          : { notes: ['run with the read bench to compare with the connector\'s request rate'] }),
      },
      { bench: 'capacity', name: 'getallfidata response volume', value: { samples: megabytes, unit: 'MiB/s' } },
      { bench: 'capacity', name: 'sandbox CPU per getallfidata', value: { samples: sandboxCpuMs, unit: 'ms/request' } },
    ];
    return {
      method: [
        `A load generator (bench/capacity/load-generator.ts, its own process) schedules ${consents} consents once per run (untimed), then sends ${requests.toLocaleString('en-US')} \`POST /getallfidata\` (consentID + sessionId, one year of transactions, round-robin over the sessions) with ${concurrency} in flight, stopping at 60 s at the latest; ${runs} runs.`,
        'The sandbox is a separate process (bench/sandbox/sandbox-child.ts) with faults off, rate limit off, processing 50x; its CPU comes from /proc/<pid>/stat.',
        'Both processes share the 2 cores, as in the read bench, so the figure is what the sandbox can serve while a client is busy too.',
      ],
      figures,
    };
  },
};
