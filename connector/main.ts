#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { runCheck } from './commands/check-command.js';
import { runDiscover } from './commands/discover-command.js';
import { runSpec } from './commands/spec-command.js';
import { abortOnTermination, exitIfCancelled, installCrashHandlers, runProtocolCommand } from './cli-runner.js';
import { limitHeapGrowth } from './heap-budget.js';
import { ConfigError } from './errors/connector-errors.js';
import { logMessage } from './protocol/message-factory.js';
import { readSource } from './read.js';
import { loadReadInput } from './read-input.js';
import { registerLoadCommand } from './load/load-command.js';
import { registerPurgeCommand } from './load/purge-command.js';
import { registerSyncCommand } from './load/sync-command.js';
import { registerSandboxCommand } from '../sandbox/sandbox-command.js';

/**
 * The `source-finpro` CLI. It parses arguments and hands file paths to the commands; it does
 * nothing else. spec/check/discover/read follow the Airbyte protocol (JSON lines on stdout).
 */
export function buildProgram(): Command {
  const program = new Command('source-finpro')
    .description('Airbyte source for FinPro (MoneyOne) Account Aggregator bulk FI data')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('spec')
    .description('print the connector specification (SPEC message)')
    .action(() => runProtocolCommand((sink) => runSpec(sink)));

  program
    .command('check')
    .description('validate the config and test the connection and credentials (CONNECTION_STATUS)')
    .requiredOption('--config <path>', 'config JSON file')
    .action((options: { config: string }) => runProtocolCommand((sink) => runCheck(options.config, sink)));

  program
    .command('discover')
    .description('print the catalog of streams (CATALOG)')
    .requiredOption('--config <path>', 'config JSON file')
    .action((options: { config: string }) => runProtocolCommand((sink) => runDiscover(options.config, sink)));

  program
    .command('read')
    .description('read records, state and traces as JSON lines')
    .requiredOption('--config <path>', 'config JSON file')
    .requiredOption('--catalog <path>', 'configured catalog JSON file')
    .option('--state <path>', 'state JSON file (a list of per-stream STATE messages)')
    .action(async (options: { config: string; catalog: string; state?: string }) => {
      const cancel = abortOnTermination();
      await runProtocolCommand(async (sink) => {
        // Only read runs long enough for V8's GC headroom to matter (see heap-budget.ts).
        limitHeapGrowth();
        const input = await loadReadInput(options);
        for (const warning of input.warnings) await sink.emit(logMessage('WARN', warning));
        await readSource(input, sink, { cancel });
      });
      await exitIfCancelled(cancel);
    });

  registerSyncCommand(program);
  registerLoadCommand(program);
  registerPurgeCommand(program);
  registerSandboxCommand(program);

  return program;
}

async function main(argv: string[]): Promise<void> {
  installCrashHandlers();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return;
      // A wrong invocation is the caller's config problem: say so in the protocol, not only on stderr.
      await runProtocolCommand(async () => {
        throw new ConfigError(`Invalid command line: ${error.message.replace(/^error: /, '')}`);
      });
      return;
    }
    await runProtocolCommand(async () => {
      throw error;
    });
  }
}

await main(process.argv);
