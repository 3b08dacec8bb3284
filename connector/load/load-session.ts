import type { Writable } from 'node:stream';
import { errorClassFor } from '../errors/connector-errors.js';
import { withheldLines } from '../protocol/secret-detector.js';
import { debugToStderr } from '../protocol/stderr-logger.js';
import type { AirbyteStateMessage, FailureType } from '../protocol/airbyte-message.js';
import type { MessageSink } from '../protocol/message-emitter.js';
import type { ConfiguredStream } from '../read-input.js';
import type { StreamName } from '../streams/stream-registry.js';
import { AirbyteLoader } from './airbyte-loader.js';
import { analysisViewSql, TABLES_SQL } from './analysis-views.js';
import { destinationError } from './destination-error.js';
import { openDestination } from './destination-factory.js';
import type { DestinationTarget } from './destination-url.js';
import type { LoadDestination } from './load-destination.js';
import { loadModeOf, loadStreamsFor } from './load-catalog.js';
import { collectSummary, formatSummary, type LoadSummary } from './load-summary.js';
import { ProgressDisplay } from './progress-display.js';
import { quoteIdent } from './sql-dialect.js';

/**
 * One load, shared by `sync` (records from readSource in-process) and `load` (records from
 * stdin): open the destination, prepare tables, hand a sink to the producer, commit what
 * the checkpoints cover, create the views, print the summary. The producer is the only part
 * that differs.
 */

export interface LoadSessionOptions {
  target: DestinationTarget;
  streams: readonly ConfiguredStream[];
  syncId: number;
  /** Print a sample of fi_transactions_monthly with the summary (the demo). */
  withSample: boolean;
  /** The summary goes here (stdout). */
  out: Writable;
  /** Progress and source logs (stderr). */
  progressOut?: NodeJS.WritableStream & { isTTY?: boolean };
  minCommitIntervalMs?: number;
  /** Runs on the open destination before its tables are prepared (`sync` purges there, on the connection it loads with). */
  beforeLoad?: (destination: LoadDestination) => Promise<void>;
}

export interface LoadProducerContext {
  sink: MessageSink;
  display: ProgressDisplay;
  /** States saved by earlier loads into this destination. */
  savedStates: AirbyteStateMessage[];
}

export async function runLoadSession(options: LoadSessionOptions, produce: (context: LoadProducerContext) => Promise<void>): Promise<LoadSummary> {
  const startedAt = Date.now();
  const destination = await openDestination(options.target);
  try {
    await options.beforeLoad?.(destination);
    const generations = await currentGenerations(destination, options.streams);
    const loadStreams = loadStreamsFor(options.streams, (name) => generations.get(name) ?? 0);
    await destination.prepare(loadStreams);
    const savedStates = await destination.readStates();

    let loader: AirbyteLoader | undefined = undefined;
    const display = new ProgressDisplay({
      ...(options.progressOut !== undefined ? { out: options.progressOut } : {}),
      loaded: () => loader?.stats().streams.reduce((sum, stream) => sum + stream.committed, 0) ?? 0,
    });
    if (destination.staging.format === 'json') destination.staging.onSkipped = (message) => display.log(message);
    const sourceFailures: { message: string; failureType: FailureType }[] = [];
    loader = new AirbyteLoader(destination, loadStreams, {
      syncId: options.syncId,
      ...(options.minCommitIntervalMs !== undefined ? { minCommitIntervalMs: options.minCommitIntervalMs } : {}),
      maxPendingRows: options.target.memory.maxPendingRows,
      onLog: (level, message) => {
        if (level === 'WARN' || level === 'ERROR' || level === 'FATAL') display.log(`source ${level}: ${message}`);
      },
    });
    const activeLoader = loader;
    const sink: MessageSink = {
      emit(message) {
        display.observe(message);
        if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error !== undefined) {
          sourceFailures.push({ message: message.trace.error.message, failureType: message.trace.error.failure_type ?? 'system_error' });
        }
        return activeLoader.emit(message);
      },
      // The source waits on this before acting on a state (see MessageSink.barrier): drop it and
      // a kill can lose the plan of a sync whose batches FinPro already has.
      barrier: () => activeLoader.barrier(),
    };

    display.start();
    let failure: unknown;
    try {
      await produce({ sink, display, savedStates });
    } catch (error) {
      failure = error;
    }
    const producedAt = Date.now();
    try {
      // Checkpoints already received are committed even when the source failed: each covers only records before it.
      await activeLoader.finish(failure === undefined && sourceFailures.length === 0);
    } finally {
      display.stop();
    }
    // How long the load trails the source (issue 13: a sync should take little more than its read).
    const finishedAt = Date.now();
    debugToStderr(`load: source done after ${((producedAt - startedAt) / 1000).toFixed(1)} s, last commit ${((finishedAt - producedAt) / 1000).toFixed(1)} s later, ${activeLoader.stats().commits} commits`);
    const tables = new Set((await destination.query(TABLES_SQL)).map((row) => String(row['table_name'])));
    await destination.execute(analysisViewSql(tables));
    const summary = await collectSummary(destination, activeLoader.stats(), (Date.now() - startedAt) / 1000, options.withSample);
    // The source's error messages are in it: the same check as every other line (secret-detector.ts).
    options.out.write(withheldLines(formatSummary(summary)));
    if (failure !== undefined) throw failure;
    const first = sourceFailures[0];
    if (first !== undefined) {
      const ErrorClass = errorClassFor(first.failureType);
      throw new ErrorClass(`The source failed: ${first.message} (records up to its last checkpoint are loaded; run again to resume).`);
    }
    const closing = Date.now();
    await destination.close();
    debugToStderr(`load: views and summary ${((closing - finishedAt) / 1000).toFixed(1)} s, close ${((Date.now() - closing) / 1000).toFixed(1)} s`);
    return summary;
  } catch (error) {
    // A dead connection may fail to close too: the first failure is the one to report, typed.
    await destination.close().catch(() => undefined);
    throw destinationError(error, destination.description);
  }
}

/**
 * `_airbyte_generation_id` as Airbyte counts it: it grows by one with every full refresh of a
 * stream (an overwrite), so rows show which refresh wrote them; incremental loads keep it.
 */
async function currentGenerations(destination: LoadDestination, streams: readonly ConfiguredStream[]): Promise<Map<StreamName, number>> {
  const tables = new Set((await destination.query(TABLES_SQL)).map((row) => String(row['table_name'])));
  const generations = new Map<StreamName, number>();
  for (const stream of streams) {
    if (stream.generationId !== undefined) continue;
    let current = 0;
    if (tables.has(stream.name)) {
      const rows = await destination.query(`SELECT MAX(_airbyte_generation_id) AS g FROM ${quoteIdent(stream.name)}`);
      current = Number(rows[0]?.['g'] ?? 0);
    }
    generations.set(stream.name, loadModeOf(stream) === 'overwrite' ? current + 1 : current);
  }
  return generations;
}
