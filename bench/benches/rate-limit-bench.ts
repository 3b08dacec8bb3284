import type { Benchmark } from '../harness/bench-context.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { runConnectorRead, statsOf } from '../harness/connector-read.js';

/**
 * 2. Rate-limit efficiency: a read that needs about ten windows of the sandbox's limit.
 * No client can finish sooner than (requests it needs / limit) x window, so the figure is the
 * connector's wall time over that bound, with the 429s the sandbox counted.
 */
export const rateLimitBench: Benchmark = {
  id: 'rate-limit',
  title: 'Rate-limit efficiency (wall time / bound, 429s)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const limit = 200;
    const windowMs = 2000;
    // About 0.85 data requests per consent plus a few status polls: ~2,000 requests, ~10 windows.
    const consents = quick ? 600 : 2300;
    const runs = ctx.runs(3);
    const range = dataRange(30);
    const walls: number[] = [];
    const bounds: number[] = [];
    const ratios: number[] = [];
    const throttled: number[] = [];
    const requestCounts: number[] = [];
    for (let run = 0; run < runs; run++) {
      const read = await runConnectorRead(ctx, {
        label: `run-${run}`,
        consents,
        sandbox: { ...FAST_SANDBOX, rateLimit: { limit, windowMs } },
        config: { fi_data_range_from: range.from, fi_data_range_to: range.to },
        stdout: 'ignore',
        timeoutMs: 10 * 60_000,
      });
      const needed = statsOf(read).requests.total - statsOf(read).rate_limited;
      const bound = (needed / limit) * (windowMs / 1000);
      walls.push(read.run.wallSeconds);
      bounds.push(bound);
      ratios.push(read.run.wallSeconds / bound);
      throttled.push(statsOf(read).rate_limited);
      requestCounts.push(needed);
      ctx.log(`run ${run + 1}/${runs}: ${needed} requests in ${read.run.wallSeconds.toFixed(1)} s, bound ${bound.toFixed(1)} s, ${statsOf(read).rate_limited} x 429`);
    }
    return {
      method: [
        `Sandbox limit ${limit} requests per ${windowMs / 1000} s window (fixed windows aligned to the epoch, as FinPro's X-RateLimit-Reset implies), faults off, processing 50x; ${consents.toLocaleString('en-US')} consents, 30 days of data, every stream; stdout to /dev/null; ${runs} runs, each on a fresh sandbox.`,
        'Bound = (requests the read needed, i.e. every request the sandbox answered except 429s) / limit x window: the least time any client needs for those requests. The connector learns the limit only from the response headers.',
        'The wall clock includes process start and the wait for the first batch to be processed, which the bound does not.',
      ],
      figures: [
        {
          bench: 'rate-limit',
          name: 'wall time / rate-limit bound',
          value: { samples: walls, unit: 's' },
          reference: { name: 'bound', value: { samples: bounds, unit: 's' } },
          ratio: { samples: ratios, unit: 'x' },
          target: { metric: 'ratio', op: '<=', threshold: 1.1, text: '<= 1.1 x bound' },
        },
        {
          bench: 'rate-limit',
          name: '429 responses',
          value: { samples: throttled, unit: 'responses' },
          target: { metric: 'value', op: '<=', threshold: 0, statistic: 'max', text: '0 in every run' },
        },
        { bench: 'rate-limit', name: 'requests needed', value: { samples: requestCounts, unit: 'requests' } },
      ],
    };
  },
};
