import type { Benchmark } from '../harness/bench-context.js';
import type { Figure } from '../harness/bench-types.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { runConnectorRead } from '../harness/connector-read.js';
import { pairedRatios } from '../harness/sample-stats.js';

const MIB = 2 ** 20;
/** The target is 300 MB (10^6 bytes), stricter than 300 MiB; figures are in MiB. */
const MB_300_IN_MIB = (300 * 1e6) / MIB;
/** A week of data: memory flatness is about consents, not transactions, and 100,000 consents must stay bounded in time. */
const MEMORY_RANGE_DAYS = 7;

/**
 * 4. Memory: peak RSS (VmHWM) of `read` as the consent count grows 100-fold. A connector
 * that keeps per-consent state in memory grows with it; one that streams stays flat.
 */
export const memoryBench: Benchmark = {
  id: 'memory',
  title: 'Memory (peak RSS of read by consent count)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const sizes = quick ? [500, 2000, 5000] : [1000, 10_000, 100_000];
    const runs = ctx.runs(3);
    const range = dataRange(MEMORY_RANGE_DAYS);
    const peaks = new Map<number, number[]>();
    const walls = new Map<number, number[]>();
    // Interleave the sizes run by run, so a noisy minute does not land on one size only.
    for (let run = 0; run < runs; run++) {
      for (const consents of sizes) {
        const read = await runConnectorRead(ctx, {
          label: `c${consents}-${run}`,
          consents,
          sandbox: FAST_SANDBOX,
          config: { fi_data_range_from: range.from, fi_data_range_to: range.to },
          stdout: 'ignore',
          stats: false,
          timeoutMs: 30 * 60_000,
        });
        const peak = read.run.peakRssBytes / MIB;
        if (!(peak > 0)) throw new Error(`no RSS sample for ${consents} consents (the read ended in ${read.run.wallSeconds.toFixed(1)} s)`);
        (peaks.get(consents) ?? peaks.set(consents, []).get(consents)!).push(peak);
        (walls.get(consents) ?? walls.set(consents, []).get(consents)!).push(read.run.wallSeconds);
        ctx.log(`${consents} consents, run ${run + 1}/${runs}: peak RSS ${peak.toFixed(0)} MiB, ${read.run.wallSeconds.toFixed(1)} s`);
      }
    }
    const smallest = sizes[0]!;
    const largest = sizes[sizes.length - 1]!;
    const label = (n: number) => `${n.toLocaleString('en-US')} consents`;
    const figures: Figure[] = sizes.map((consents) => ({
      bench: 'memory' as const,
      name: `peak RSS, ${label(consents)}`,
      value: { samples: peaks.get(consents)!, unit: 'MiB' },
      ...(consents === largest ? { target: { metric: 'value' as const, op: '<' as const, threshold: MB_300_IN_MIB, text: '< 300 MB (286 MiB)' } } : {}),
    }));
    figures.push({
      bench: 'memory',
      name: `peak RSS growth, ${label(smallest)} -> ${label(largest)}`,
      value: { samples: peaks.get(largest)!, unit: 'MiB' },
      reference: { name: label(smallest), value: { samples: peaks.get(smallest)!, unit: 'MiB' } },
      ratio: { samples: pairedRatios(peaks.get(largest)!, peaks.get(smallest)!), unit: 'x' },
      target: { metric: 'ratio', op: '<=', threshold: 1.5, text: '<= 1.5 x' },
    });
    for (const consents of sizes) {
      figures.push({ bench: 'memory', name: `read wall time, ${label(consents)}`, value: { samples: walls.get(consents)!, unit: 's' } });
    }
    return {
      method: [
        `\`read\` of every stream, ${MEMORY_RANGE_DAYS} days of data (${range.from} to ${range.to}) so that 100,000 consents stay bounded in time: memory flatness is about consents, not transactions. Faults off, rate limit off, processing 50x, stdout to /dev/null.`,
        'Peak RSS = VmHWM of the connector process from /proc/<pid>/status, sampled every 100 ms (a high-water mark, so a late sample holds every earlier peak). MiB = 2^20 bytes.',
        `${runs} runs per size, sizes interleaved; the growth ratio pairs run i of the largest with run i of the smallest.`,
      ],
      figures,
    };
  },
};
