import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext, Benchmark } from '../harness/bench-context.js';
import type { Figure } from '../harness/bench-types.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { assertClean, runChild, type ChildRunResult } from '../harness/child-run.js';
import { writeFixture } from '../harness/connector-fixture.js';
import { pairedRatios, summarize } from '../harness/sample-stats.js';
import { startSandboxProcess } from '../harness/sandbox-process.js';
import { DEFAULT_PG_URL, dropSchema, postgresReachable, withSchema } from './load-speed-bench.js';

const MIB = 2 ** 20;
/** The targets are in MB (10^6 bytes); figures are in MiB. */
const MB_500_IN_MIB = (500 * 1e6) / MIB;
/** As the memory bench: a week of data, so that 100,000 consents stay bounded in time; memory is about consents. */
const MEMORY_RANGE_DAYS = 7;
/** The time comparison loads a quarter of a year per consent: enough records that the load, not the start, dominates. */
const TIME_RANGE_DAYS = 90;
const SCHEMA = 'bench_sync_scale';

type Destination = 'duckdb' | 'postgres';
type Kind = 'read' | Destination;

/**
 * 7. Sync at scale (issue 13): peak RSS of `sync` into DuckDB and Postgres as the consent
 * count grows 100-fold, and `sync`'s wall time against `read > /dev/null` of the same consents
 * from the same sandbox data. Every run gets a fresh sandbox process (its memory is not
 * counted) and a fresh database file or schema, so nothing is incremental.
 */
export const syncScaleBench: Benchmark = {
  id: 'sync',
  title: 'Sync at scale (peak RSS of sync by consent count; sync time vs read)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const memorySizes = consentCounts('BENCH_SYNC_CONSENTS') ?? (quick ? [500, 2000, 5000] : [1000, 10_000, 20_000, 100_000]);
    const timeConsents = consentCounts('BENCH_SYNC_TIME_CONSENTS')?.[0] ?? (quick ? 2000 : 20_000);
    // Peak RSS varies little run to run and a 100,000-consent sync takes minutes: one run of each
    // size; the time comparison is paired, so it gets two.
    const memoryRuns = ctx.runs(1);
    const runs = ctx.runs(quick ? 1 : 2);
    const pgUrl = process.env['BENCH_PG_URL'] ?? DEFAULT_PG_URL;
    const reachable = await postgresReachable(pgUrl);
    const destinations: Destination[] = reachable === true ? ['duckdb', 'postgres'] : ['duckdb'];
    const memoryRange = dataRange(MEMORY_RANGE_DAYS);
    const timeRange = dataRange(TIME_RANGE_DAYS);
    const peaks = new Map<string, number[]>();
    const walls = new Map<string, number[]>();
    const push = (map: Map<string, number[]>, key: string, value: number) => (map.get(key) ?? map.set(key, []).get(key)!).push(value);

    for (let run = 0; run < memoryRuns; run++) {
      for (const consents of memorySizes) {
        for (const destination of destinations) {
          const result = await runOne(ctx, { kind: destination, consents, range: memoryRange, label: `m-${destination}-${consents}-${run}`, pgUrl });
          const peak = result.peakRssBytes / MIB;
          push(peaks, `${destination}:${consents}`, peak);
          ctx.log(`sync -> ${destination}, ${consents} consents, run ${run + 1}/${memoryRuns}: peak RSS ${peak.toFixed(0)} MiB, ${result.wallSeconds.toFixed(1)} s`);
        }
      }
    }
    for (let run = 0; run < runs; run++) {
      // Read alone, then each sync, of the same consents and range (the sandbox's data is seeded).
      for (const kind of ['read', ...destinations] as Kind[]) {
        const result = await runOne(ctx, { kind, consents: timeConsents, range: timeRange, label: `t-${kind}-${run}`, pgUrl });
        push(walls, kind, result.wallSeconds);
        push(peaks, `time:${kind}`, result.peakRssBytes / MIB);
        ctx.log(`${kind === 'read' ? 'read > /dev/null' : `sync -> ${kind}`}, ${timeConsents} consents, ${TIME_RANGE_DAYS} days, run ${run + 1}/${runs}: ${result.wallSeconds.toFixed(1)} s, peak RSS ${(result.peakRssBytes / MIB).toFixed(0)} MiB`);
      }
    }

    const label = (n: number) => `${n.toLocaleString('en-US')} consents`;
    const name = (destination: Destination) => (destination === 'duckdb' ? 'DuckDB' : 'Postgres');
    const smallest = memorySizes[0]!;
    const largest = memorySizes[memorySizes.length - 1]!;
    const figures: Figure[] = [];
    for (const destination of destinations) {
      for (const consents of memorySizes) {
        const target = consents >= (quick ? 2000 : 20_000) ? { target: { metric: 'value' as const, op: '<' as const, threshold: MB_500_IN_MIB, text: '< 500 MB (477 MiB)' } } : {};
        figures.push({ bench: 'sync', name: `sync -> ${name(destination)} peak RSS, ${label(consents)}`, value: { samples: peaks.get(`${destination}:${consents}`)!, unit: 'MiB' }, ...target });
      }
      figures.push({
        bench: 'sync',
        name: `sync -> ${name(destination)} peak RSS growth, ${label(smallest)} -> ${label(largest)}`,
        value: { samples: peaks.get(`${destination}:${largest}`)!, unit: 'MiB' },
        reference: { name: label(smallest), value: { samples: peaks.get(`${destination}:${smallest}`)!, unit: 'MiB' } },
        ratio: { samples: pairedRatios(peaks.get(`${destination}:${largest}`)!, peaks.get(`${destination}:${smallest}`)!), unit: 'x' },
        target: { metric: 'ratio', op: '<=', threshold: 1.5, text: '<= 1.5 x' },
      });
    }
    for (const destination of destinations) {
      figures.push({
        bench: 'sync',
        name: `sync -> ${name(destination)} wall time, ${label(timeConsents)}`,
        value: { samples: walls.get(destination)!, unit: 's' },
        reference: { name: 'read > /dev/null', value: { samples: walls.get('read')!, unit: 's' } },
        ratio: { samples: pairedRatios(walls.get(destination)!, walls.get('read')!), unit: 'x' },
        target: { metric: 'ratio', op: '<=', threshold: 1.3, text: '<= 1.3 x read' },
        notes: [`peak RSS of that run: ${summarize(peaks.get(`time:${destination}`)!).median.toFixed(0)} MiB (read alone: ${summarize(peaks.get('time:read')!).median.toFixed(0)} MiB)`],
      });
    }
    if (reachable !== true) {
      figures.push({ bench: 'sync', name: 'sync -> Postgres', notMeasured: `Postgres at ${pgUrl.replace(/:[^:@/]*@/, ':***@')} unreachable: ${reachable}`, target: { metric: 'value', op: '<', threshold: MB_500_IN_MIB, text: '< 500 MB (477 MiB)' } });
    }
    return {
      method: [
        `Memory: \`sync --config C --to duckdb:FILE\` and \`--to postgres://...?schema=${SCHEMA}\` (every stream, incremental + append_dedup into an empty destination, default memory budget), ${MEMORY_RANGE_DAYS} days of data (${memoryRange.from} to ${memoryRange.to}), at ${memorySizes.map(label).join(', ')}. Peak RSS = VmHWM of the sync process (DuckDB runs inside it; the Postgres server and the sandbox are other processes), sampled every 100 ms. MiB = 2^20 bytes.`,
        `Time: at ${label(timeConsents)}, ${TIME_RANGE_DAYS} days of data (${timeRange.from} to ${timeRange.to}): \`read\` of the same streams with stdout to /dev/null, then \`sync\` into each database; both clocks from spawn to exit, so the sync's clock also holds opening the database, the views and the summary.`,
        `Sandbox: its own process, fresh for every run, faults off, rate limit off, processing 50x; polling 0.2-1 s. ${memoryRuns} run(s) of each size and destination (peak RSS), ${runs} of the time comparison (read, then each sync); ratios pair run i with run i.`,
      ],
      figures,
    };
  },
};

/**
 * Consent counts from the environment, e.g. BENCH_SYNC_CONSENTS=1000,20000: a full run's
 * 100,000-consent syncs take ~17 min each on 2 shared cores (4 of them: ~70 min), so a
 * development run may leave them out. Undefined when unset.
 */
function consentCounts(variable: string): number[] | undefined {
  const text = process.env[variable];
  if (text === undefined || text.trim() === '') return undefined;
  const counts = text.split(',').map((part) => Number(part.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${variable}: "${text}" is not a comma-separated list of consent counts`);
  return counts.sort((a, b) => a - b);
}

interface OneRun {
  kind: Kind;
  consents: number;
  range: { from: string; to: string };
  label: string;
  pgUrl: string;
}

/** One measured `read` or `sync` against a fresh sandbox process. */
async function runOne(ctx: BenchContext, input: OneRun): Promise<ChildRunResult> {
  const dir = join(ctx.workDir, input.label);
  await mkdir(dir, { recursive: true });
  const consentIdsFile = join(dir, 'consents.txt');
  const sandbox = await startSandboxProcess({ root: ctx.codeRoot, options: { ...FAST_SANDBOX, consents: input.consents }, consentIdsFile });
  try {
    // sync builds its catalog itself (every stream, incremental); read gets the same one.
    const fixture = await writeFixture({ dir, baseUrl: sandbox.url, credentials: sandbox.credentials, consentIdsFile, config: { fi_data_range_from: input.range.from, fi_data_range_to: input.range.to }, syncMode: 'incremental' });
    const main = join(ctx.codeRoot, 'dist', 'connector', 'main.js');
    const args =
      input.kind === 'read'
        ? [main, 'read', '--config', fixture.configPath, '--catalog', fixture.catalogPath]
        : [main, 'sync', '--config', fixture.configPath, '--to', input.kind === 'duckdb' ? `duckdb:${join(dir, 'sync.duckdb')}` : withSchema(input.pgUrl, SCHEMA)];
    if (input.kind === 'postgres') await dropSchema(input.pgUrl, SCHEMA);
    const result = await runChild({ command: process.execPath, args, stdout: 'ignore', timeoutMs: 60 * 60_000 });
    assertClean(`${input.kind === 'read' ? 'read' : `sync -> ${input.kind}`} (${input.label})`, result);
    if (!(result.peakRssBytes > 0)) throw new Error(`no RSS sample for ${input.label}`);
    return result;
  } finally {
    await sandbox.close();
    if (input.kind === 'postgres') await dropSchema(input.pgUrl, SCHEMA);
    await rm(dir, { recursive: true, force: true });
  }
}
