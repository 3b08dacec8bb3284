import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { limitHeapGrowth } from '../heap-budget.js';
import { loadCatalogFile } from './load-catalog.js';
import { DEFAULT_TARGET, parseDestinationTarget } from './destination-url.js';
import { readMessages } from './jsonl-message-reader.js';
import { runHumanCommand } from './human-command-runner.js';
import { runLoadSession } from './load-session.js';

export interface LoadCommandOptions {
  to?: string;
  catalog?: string;
}

/**
 * `source-finpro load`: Airbyte messages on stdin (e.g. from `source-finpro read`) into a
 * local database, with the same semantics as `sync`. The catalog says how each stream is
 * written; without one every stream is incremental + append_dedup.
 */
export async function runLoad(options: LoadCommandOptions, input: Readable = process.stdin, out: Writable = process.stdout): Promise<void> {
  const target = parseDestinationTarget(options.to ?? DEFAULT_TARGET);
  const streams = await loadCatalogFile(options.catalog);
  await runLoadSession({ target, streams, syncId: Date.now(), withSample: false, out }, async ({ sink, display }) => {
    // DuckDB types records from their JSON text itself: they need not be parsed here.
    const rawRecords = target.kind === 'duckdb';
    for await (const message of readMessages(input, (line, reason) => display.log(`load: skipped stdin line ${line}: ${reason}`), { rawRecords })) {
      const pending = sink.emit(message);
      if (pending) await pending;
    }
  });
}

export function registerLoadCommand(program: Command): void {
  program
    .command('load')
    .description('load Airbyte messages from stdin (e.g. `source-finpro read ... |`) into DuckDB or Postgres')
    .option('--to <destination>', `duckdb:PATH[?memory_limit=400MB] or postgres://user@host/db[?schema=name&memory_limit=400MB]`, DEFAULT_TARGET)
    .option('--catalog <path>', 'configured catalog JSON file (default: every stream incremental + append_dedup)')
    .action((options: LoadCommandOptions) => {
      // Garbage of parsed lines would otherwise grow the heap up to ~4x what survives (heap-budget.ts).
      limitHeapGrowth();
      return runHumanCommand('load', () => runLoad(options));
    });
}
