#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, parseBenchOptions } from './harness/bench-options.js';
import type { BenchContext, Benchmark } from './harness/bench-context.js';
import type { BenchId, BenchOutcome } from './harness/bench-types.js';
import { gitDescription, machineInfo } from './harness/machine-info.js';
import { procAvailable } from './harness/proc-reader.js';
import { snapshotBuild } from './harness/code-snapshot.js';
import { benchmarksMarkdown, type ReportInput } from './report/benchmarks-markdown.js';
import { consoleTable } from './report/results-table.js';
import { BENCHMARKS } from './benches/bench-registry.js';

/**
 * `npm run bench`: runs the selected benchmarks one after another (never two at once: they
 * would measure each other), prints the table and writes the report. Every bench bounds its
 * own work and time; this runner adds nothing but order and reporting.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof BenchUsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.render !== undefined) return render(resolve(root, options.render), options.out === 'BENCHMARKS.md' ? undefined : options.out);
  if (!procAvailable()) {
    process.stderr.write('bench: needs Linux /proc to measure child CPU and memory\n');
    return 2;
  }
  const startedAt = new Date();
  const machine = machineInfo();
  const commit = gitDescription(root);
  const scratch = join(root, '.tmp', 'bench');
  await mkdir(scratch, { recursive: true });
  const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  log(`${options.quick ? 'quick' : 'full'} run of ${options.only.join(', ')} on ${machine.cores} cores, Node ${machine.node}, commit ${commit}`);

  const codeRoot = await snapshotBuild(root, join(scratch, 'build-snapshot'));
  const shared = new Map<string, unknown>();
  const outcomes: BenchOutcome[] = [];
  const failures: { id: BenchId; title: string; error: string }[] = [];
  const selected: Benchmark[] = BENCHMARKS.filter((bench) => options.only.includes(bench.id));
  for (const bench of selected) {
    const workDir = join(scratch, bench.id);
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    const context: BenchContext = {
      options,
      root,
      codeRoot,
      workDir,
      log: (message) => log(`${bench.id}: ${message}`),
      runs: (defaultRuns) => options.runs ?? defaultRuns,
      shared,
    };
    const started = performance.now();
    log(`${bench.id}: ${bench.title}`);
    try {
      const result = await bench.run(context);
      outcomes.push({ id: bench.id, title: bench.title, ...result, seconds: (performance.now() - started) / 1000, loadAverageAtEnd: loadavg()[0] });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${bench.id}: FAILED: ${message}`);
      failures.push({ id: bench.id, title: bench.title, error: message });
      outcomes.push({
        id: bench.id,
        title: bench.title,
        method: [],
        figures: [{ bench: bench.id, name: bench.title, notMeasured: `the bench failed: ${message.slice(0, 300)}` }],
        seconds: (performance.now() - started) / 1000,
      });
    }
  }
  const input: Omit<ReportInput, 'analysis'> = {
    command: commandLine(),
    options,
    machine,
    commit,
    startedAt,
    totalSeconds: (Date.now() - startedAt.getTime()) / 1000,
    outcomes,
    failures,
  };
  // Every sample, so the report can be rendered again (and checked) without measuring again.
  const full = options.out === 'BENCHMARKS.md';
  const resultsPath = full ? join(root, 'bench', 'results', 'last-full-run.json') : join(scratch, 'last-run.json');
  await mkdir(dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(input, null, 2)}\n`);
  log(`saved ${resultsPath}`);
  await writeReport(input, resolve(root, options.out));
  return failures.length > 0 ? 1 : 0;
}

async function writeReport(input: Omit<ReportInput, 'analysis'>, out: string): Promise<void> {
  process.stdout.write(`${consoleTable(input.outcomes)}\n`);
  const analysisPath = join(root, 'bench', 'report', 'analysis.md');
  const analysis = input.options.quick || !existsSync(analysisPath) ? undefined : readFileSync(analysisPath, 'utf8');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, benchmarksMarkdown({ ...input, ...(analysis !== undefined ? { analysis } : {}) }));
  process.stderr.write(`bench: wrote ${out}\n`);
}

async function render(resultsPath: string, out: string | undefined): Promise<number> {
  const saved = JSON.parse(await readFile(resultsPath, 'utf8')) as Omit<ReportInput, 'analysis' | 'startedAt'> & { startedAt: string };
  await writeReport({ ...saved, startedAt: new Date(saved.startedAt) }, resolve(root, out ?? saved.options.out));
  return 0;
}

function commandLine(): string {
  const args = process.argv.slice(2);
  return `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

process.exitCode = await main();
