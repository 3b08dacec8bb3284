import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { openDestination } from './destination-factory.js';
import { DEFAULT_TARGET, parseDestinationTarget, type DestinationTarget } from './destination-url.js';
import { formatPurgeReport, purgeExpiredFiData, type PurgeReport } from './fi-data-purge.js';
import { runHumanCommand } from './human-command-runner.js';

export function describeTarget(target: DestinationTarget): string {
  return target.kind === 'duckdb' ? `duckdb:${target.path}` : target.description;
}

/** Opens the destination, purges what is past its data life, closes it. (`sync` runs the same purge on the destination it loads.) */
export async function purgeDestination(target: DestinationTarget, nowMs: number = Date.now()): Promise<PurgeReport> {
  const destination = await openDestination(target);
  try {
    return await purgeExpiredFiData(destination, nowMs);
  } finally {
    await destination.close();
  }
}

/** `source-finpro purge --to <destination>`: the report goes to stdout. */
export async function runPurge(options: { to?: string }, out: Writable = process.stdout): Promise<void> {
  const target = parseDestinationTarget(options.to ?? DEFAULT_TARGET);
  const report = await purgeDestination(target);
  out.write(`${formatPurgeReport(report, describeTarget(target))}\n`);
}

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('delete FI rows (every fi_* table) whose data_expires_at has passed, in one transaction; bulk batch and row history stays')
    .option('--to <destination>', 'duckdb:PATH or postgres://user@host/db[?schema=name]', DEFAULT_TARGET)
    .action((options: { to?: string }) => runHumanCommand('purge', () => runPurge(options)));
}
