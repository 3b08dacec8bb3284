import type { SandboxStats } from '../../sandbox/index.js';
import type { BenchContext, Benchmark } from '../harness/bench-context.js';
import type { Figure } from '../harness/bench-types.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { ROUTES, routeRequests, runConnectorRead, statsOf } from '../harness/connector-read.js';
import { measureGrownList } from './grown-list-cost.js';
import { readStatsKey, READ_RANGE_DAYS } from './read-throughput-bench.js';

/**
 * 3. API cost: requests per consent, by endpoint, as the sandbox counted them. Counts, not
 * timings, but they still move a little from run to run (how many status polls a batch
 * needs depends on timing), hence several runs. The read bench's 10,000-consent runs are
 * reused when it ran in the same invocation, with the same settings.
 */
export const apiCostBench: Benchmark = {
  id: 'api-cost',
  title: 'API cost (requests per consent, by endpoint)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const sizes = quick ? [200, 1000] : [1000, 10_000];
    const figures: Figure[] = [];
    const method: string[] = [
      `Every stream, full refresh, ${READ_RANGE_DAYS} days of data, faults off, rate limit off, processing 50x; all consents of the sandbox population: about 10% fail for good (revoked, expired, paused, quota), 5% fail with InvalidDateRange and 5% transiently, and those two go to retry batches.`,
      'Endpoints as the sandbox counts them: schedule = POST /v2/schedule/fi/requests, CSV upload, and POST /fi/request (the single-request path the connector takes for retries of fewer than 10 consents); status = POST /bulk/status and /consent/firequest/status; data = POST /getallfidata. Every answered request counts, errors and 429s included.',
    ];
    for (const consents of sizes) {
      const reused = ctx.shared.get(readStatsKey(consents)) as SandboxStats[] | undefined;
      const statsList = reused ?? (await measure(ctx, consents));
      method.push(`${consents.toLocaleString('en-US')} consents: ${statsList.length} runs${reused ? ' (the read bench\'s runs)' : ''}.`);
      const per = (pick: (stats: SandboxStats) => number) => statsList.map((stats) => pick(stats) / consents);
      const schedule = (s: SandboxStats) => routeRequests(s, ROUTES.schedule) + routeRequests(s, ROUTES.upload) + routeRequests(s, ROUTES.fiRequest);
      const status = (s: SandboxStats) => routeRequests(s, ROUTES.status) + routeRequests(s, ROUTES.fiStatus);
      const data = (s: SandboxStats) => routeRequests(s, ROUTES.data);
      const label = `${consents.toLocaleString('en-US')} consents`;
      figures.push(
        {
          bench: 'api-cost',
          name: `requests per consent, total (${label})`,
          value: { samples: per((s) => s.requests.total), unit: 'req/consent' },
          target: { metric: 'value', op: '<', threshold: 1.05, text: '< 1.05' },
        },
        { bench: 'api-cost', name: `schedule per consent (${label})`, value: { samples: per(schedule), unit: 'req/consent' } },
        { bench: 'api-cost', name: `status per consent (${label})`, value: { samples: per(status), unit: 'req/consent' } },
        { bench: 'api-cost', name: `data per consent (${label})`, value: { samples: per(data), unit: 'req/consent' } },
        {
          bench: 'api-cost',
          name: `data requests per delivered session (${label})`,
          value: { samples: statsList.map((s) => data(s) / Math.max(1, sessionsWithData(s))), unit: 'req/session' },
          notes: ['1.0 means one getallfidata call per session that has data: none wasted or repeated'],
        },
      );
    }
    const grown = await measureGrownList(ctx, quick ? 1000 : 10_000, READ_RANGE_DAYS);
    method.push(grown.method);
    figures.push(...grown.figures);
    return { method, figures };
  },
};

/** Sessions that ended with data (bulk rows COMPLETED, single requests DATA_READY): the floor of data requests. */
function sessionsWithData(stats: SandboxStats): number {
  let sessions = 0;
  for (const entry of Object.values(stats.fi_requests)) {
    for (const request of entry.requests) {
      if (request.session_id !== null && (request.outcome === 'COMPLETED' || request.outcome === 'DATA_READY')) sessions++;
    }
  }
  return sessions;
}

async function measure(ctx: BenchContext, consents: number): Promise<SandboxStats[]> {
  const runs = ctx.runs(consents >= 10_000 ? 1 : 3);
  const range = dataRange(READ_RANGE_DAYS);
  const list: SandboxStats[] = [];
  for (let run = 0; run < runs; run++) {
    const read = await runConnectorRead(ctx, {
      label: `c${consents}-${run}`,
      consents,
      sandbox: FAST_SANDBOX,
      config: { fi_data_range_from: range.from, fi_data_range_to: range.to },
      stdout: 'ignore',
      timeoutMs: 20 * 60_000,
    });
    list.push(statsOf(read));
    ctx.log(`${consents} consents, run ${run + 1}/${runs}: ${statsOf(read).requests.total} requests`);
  }
  return list;
}
