import { z } from 'zod';
import { BENCH_IDS, type BenchId } from './bench-types.js';

/**
 * Command line of `npm run bench -- [--only read,memory] [--quick] [--out FILE] [--runs N]`.
 * A full run (every bench, full sizes) rewrites BENCHMARKS.md; a quick or partial run writes
 * beside it in .tmp/ so development runs never replace the measured report. `--render` turns
 * a saved run's results (JSON) into the report again, e.g. after editing the analysis.
 */
export interface BenchOptions {
  only: BenchId[];
  quick: boolean;
  out: string;
  /** Overrides the number of runs of every figure (development only). */
  runs: number | undefined;
  /** Re-render the report of a saved run (its results JSON) instead of measuring. */
  render: string | undefined;
}

const BenchIdSchema = z.enum(BENCH_IDS);

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const BENCH_USAGE = `usage: npm run bench -- [--only ${BENCH_IDS.join(',')}] [--quick] [--out FILE] [--runs N] | [--render RESULTS.json]`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let only: BenchId[] = [...BENCH_IDS];
  let quick = false;
  let out: string | undefined;
  let runs: number | undefined;
  let render: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || next.startsWith('--')) throw new BenchUsageError(`${flag} needs a value. ${BENCH_USAGE}`);
      return next;
    };
    switch (flag) {
      case '--only': {
        const names = value().split(',').map((name) => name.trim()).filter((name) => name.length > 0);
        only = names.map((name) => {
          const parsed = BenchIdSchema.safeParse(name);
          if (!parsed.success) throw new BenchUsageError(`--only: unknown bench "${name}"; choose from ${BENCH_IDS.join(', ')}`);
          return parsed.data;
        });
        if (only.length === 0) throw new BenchUsageError(`--only selects no bench. ${BENCH_USAGE}`);
        break;
      }
      case '--quick':
        quick = true;
        break;
      case '--out':
        out = value();
        break;
      case '--runs': {
        const parsed = z.coerce.number().int().min(1).max(50).safeParse(value());
        if (!parsed.success) throw new BenchUsageError('--runs must be an integer from 1 to 50');
        runs = parsed.data;
        break;
      }
      case '--render':
        render = value();
        break;
      default:
        throw new BenchUsageError(`unknown argument "${arg}". ${BENCH_USAGE}`);
    }
  }
  // Keep the canonical order whatever order --only named them in.
  only = BENCH_IDS.filter((id) => only.includes(id));
  const partial = quick || only.length < BENCH_IDS.length || runs !== undefined;
  return { only, quick, out: out ?? (partial ? '.tmp/bench/BENCHMARKS.partial.md' : 'BENCHMARKS.md'), runs, render };
}
