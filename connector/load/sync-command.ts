import type { Writable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { abortOnTermination, exitIfCancelled } from '../cli-runner.js';
import { parseConfig, readJsonFile, resolveConsents, type ResolvedConfig } from '../config-reader.js';
import { ConfigError } from '../errors/connector-errors.js';
import { limitHeapGrowth } from '../heap-budget.js';
import { logToStderr } from '../protocol/stderr-logger.js';
import { readSource } from '../read.js';
import { parseConfiguredCatalog, parseState, type ReadInput } from '../read-input.js';
import { DEFAULT_TARGET, parseDestinationTarget } from './destination-url.js';
import { runHumanCommand } from './human-command-runner.js';
import { defaultConfiguredCatalog, parseStreamList } from './load-catalog.js';
import { runLoadSession } from './load-session.js';
import { formatPurgeReport, purgeExpiredFiData } from './fi-data-purge.js';
import type { LoadDestination } from './load-destination.js';
import { describeTarget } from './purge-command.js';
import { sandboxConfig, startDemoSandbox } from './sandbox-config.js';

export interface SyncCommandOptions {
  config?: string;
  to?: string;
  streams?: string;
  fullRefresh?: boolean;
  sandbox?: boolean;
  consents?: number;
}

/**
 * `source-finpro sync`: `read` in-process into a local DuckDB file or Postgres, with the
 * destination semantics the Airbyte platform gives (typed tables, dedup, state committed with
 * its records). The state lives in the destination's `_airbyte_state`, so running it again is
 * incremental, and a sync killed at any moment resumes from its last commit.
 */
export async function runSync(options: SyncCommandOptions, out: Writable = process.stdout, cancel?: AbortSignal): Promise<void> {
  if (options.config === undefined && options.sandbox !== true) {
    throw new ConfigError('sync needs --config FILE, or --sandbox for a demo against the built-in FinPro sandbox.');
  }
  if (options.consents !== undefined && options.sandbox !== true) throw new ConfigError('--consents applies only with --sandbox.');
  const target = parseDestinationTarget(options.to ?? DEFAULT_TARGET);
  const syncId = Date.now();
  const streams = parseConfiguredCatalog(defaultConfiguredCatalog({ streams: parseStreamList(options.streams), fullRefresh: options.fullRefresh === true, syncId }));
  const fileConfig = options.config !== undefined ? await readJsonFile(options.config, 'config') : undefined;
  if (fileConfig !== undefined && (typeof fileConfig !== 'object' || fileConfig === null || Array.isArray(fileConfig))) {
    throw new ConfigError(`Invalid config: ${options.config} must hold a JSON object.`);
  }

  const sandbox = options.sandbox === true ? await startDemoSandbox(options.consents ?? 1000) : undefined;
  try {
    const raw = sandbox !== undefined ? sandboxConfig(sandbox, fileConfig as Record<string, unknown> | undefined) : fileConfig;
    const config: ResolvedConfig = await resolveConsents(parseConfig(raw));
    if (sandbox !== undefined) logToStderr(`sync: FinPro sandbox at ${sandbox.url} with ${config.consents.length.toLocaleString('en-US')} consents`);
    logToStderr(`sync: ${streams.map((s) => s.name).join(', ')} (${options.fullRefresh === true ? 'full refresh, overwrite' : 'incremental, append + dedup'}) -> ${describeTarget(target)}`);
    // Data past its life goes first, so a sync never leaves it standing (even one that then fails);
    // on the connection the load then uses, so the destination is opened once.
    const purgeFirst = async (destination: LoadDestination) => logToStderr(`sync: ${formatPurgeReport(await purgeExpiredFiData(destination, Date.now()), describeTarget(target))}`);

    // The sample reads every transaction in the destination: a demo's few, but not a warehouse's on every sync.
    await runLoadSession({ target, streams, syncId, withSample: options.sandbox === true, out, beforeLoad: purgeFirst }, async ({ sink, display, savedStates }) => {
      const warnings: string[] = [...config.consentWarnings];
      // A full refresh starts over: its streams get no state; incremental ones resume from the last commit.
      const incremental = new Set(streams.filter((s) => s.syncMode === 'incremental').map((s) => s.name as string));
      const state = parseState(savedStates.filter((s) => incremental.has(s.stream?.stream_descriptor.name ?? '')), warnings);
      for (const warning of warnings) display.log(`sync: ${warning}`);
      const input: ReadInput = { config, streams, state, warnings };
      await readSource(input, sink, { onProgress: (counters) => display.onCounters(counters), ...(cancel !== undefined ? { cancel } : {}) });
    });
  } finally {
    await sandbox?.close();
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('must be an integer from 1 to 1,000,000.');
  return n;
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('read and load into a local DuckDB file (default ./finpro.duckdb) or Postgres, incrementally')
    .option('--config <path>', 'config JSON file (optional with --sandbox)')
    .option('--to <destination>', 'duckdb:PATH[?memory_limit=400MB] or postgres://user@host/db[?schema=name&memory_limit=400MB]', DEFAULT_TARGET)
    .option('--streams <list>', 'comma-separated streams to sync (default: all)')
    .option('--full-refresh', 'full_refresh + overwrite instead of incremental + append_dedup')
    .option('--sandbox', 'start the built-in FinPro sandbox and sync from it (a demo)')
    .option('--consents <n>', 'sandbox consents (with --sandbox; default 1000)', positiveInt)
    .action(async (options: SyncCommandOptions) => {
      // The read runs in this process: the same GC headroom as `read` (heap-budget.ts), inside the memory budget.
      limitHeapGrowth();
      // Cancelled, the read stops and the load still commits every checkpoint it received.
      const cancel = abortOnTermination();
      await runHumanCommand('sync', () => runSync(options, process.stdout, cancel));
      await exitIfCancelled(cancel);
    });
}
