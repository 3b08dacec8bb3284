import { toErrorTrace } from './protocol/failure-mapping.js';
import { StdoutEmitter, type MessageSink } from './protocol/message-emitter.js';
import { logToStderr } from './protocol/stderr-logger.js';
import { drained } from './protocol/stream-drain.js';

/**
 * Runs one protocol command: messages go through a single stdout emitter, any failure
 * becomes one TRACE ERROR (mapped in protocol/failure-mapping.ts) and exit code 1. The exit
 * code is set, not forced, so buffered stdout drains before the process ends.
 */
export async function runProtocolCommand(body: (sink: MessageSink) => Promise<void>): Promise<void> {
  const emitter = new StdoutEmitter();
  try {
    await body(emitter);
  } catch (error) {
    await emitter.emit(toErrorTrace(error));
    process.exitCode = 1;
  } finally {
    await emitter.close();
  }
}

/** Set by a command for people (sync, load): its crashes are reported as they report failures. */
let humanCommand: string | undefined;

export function reportCrashesAsHumanCommand(name: string): void {
  humanCommand = name;
}

/** How long an exiting process waits for a full pipe to take its last lines before exiting anyway. */
const EXIT_DRAIN_MS = 5_000;

/**
 * Exits with `code` once stdout and stderr have handed what was written to them to the OS
 * (stream-drain.ts: `process.exit` drops queued pipe writes), or after EXIT_DRAIN_MS, so a
 * reader that never reads cannot keep the process alive.
 */
async function exitWhenWritten(code: number): Promise<never> {
  setTimeout(() => process.exit(code), EXIT_DRAIN_MS);
  await Promise.all([drained(process.stdout), drained(process.stderr)]).catch(() => undefined);
  process.exit(code);
}

/**
 * The last net: an exception nobody awaited still ends as a TRACE ERROR on stdout (never a raw
 * stack there) and a non-zero exit. The line is written at once; the exit waits while the pipes
 * take it, bounded (exitWhenWritten).
 */
export function installCrashHandlers(): void {
  let crashing = false;
  const crash = (error: unknown) => {
    // A second failure while the first is being reported adds nothing the reader can use.
    if (crashing) return;
    crashing = true;
    try {
      if (humanCommand !== undefined) {
        // sync and load keep stdout for their summary: a crash is one line on stderr, as their failures are.
        const trace = toErrorTrace(error).trace.error!;
        logToStderr(`source-finpro ${humanCommand} failed (${trace.failure_type ?? 'system_error'}): ${trace.message} ${trace.internal_message ?? ''}`.trimEnd());
      } else {
        // Flushed as it is emitted; the promise of a full pipe is exitWhenWritten's to wait out.
        void new StdoutEmitter().emit(toErrorTrace(error))?.catch(() => undefined);
      }
    } catch {
      logToStderr('source-finpro: failed to report a crash');
    }
    void exitWhenWritten(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/**
 * How the platform cancels a sync: SIGTERM, then SIGKILL after a grace period (SIGINT from a
 * terminal alike). The returned signal aborts on the first one; the command stops, writes its
 * last lines and exits non-zero. Later signals are ignored: the first is being honoured.
 */
export function abortOnTermination(): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGTERM', 'SIGINT'] as const) process.on(name, () => controller.abort(name));
  return controller.signal;
}

/**
 * Ends a cancelled command once its output is written: the abandoned read may still hold
 * timers and sockets that would keep the process alive. A command that was not cancelled
 * ends on its own, when the event loop empties.
 */
export async function exitIfCancelled(cancel: AbortSignal): Promise<void> {
  if (cancel.aborted) await exitWhenWritten(Number(process.exitCode ?? 1));
}
