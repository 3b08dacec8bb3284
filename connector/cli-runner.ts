import { toErrorTrace } from './protocol/failure-mapping.js';
import { StdoutEmitter, type MessageSink } from './protocol/message-emitter.js';
import { logToStderr } from './protocol/stderr-logger.js';

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

/** How long a crashed process waits for a full stdout pipe to take its TRACE before exiting anyway. */
const CRASH_DRAIN_MS = 5_000;

/**
 * The last net: an exception nobody awaited still ends as a TRACE ERROR on stdout (never a raw
 * stack there) and a non-zero exit. The line is written at once; the exit waits only while a
 * full pipe drains, bounded, so a reader that never reads cannot keep a crashed process alive.
 */
export function installCrashHandlers(): void {
  let crashing = false;
  const crash = (error: unknown) => {
    // A second failure while the first is being reported adds nothing the reader can use.
    if (crashing) return;
    crashing = true;
    let written: Promise<void> | undefined;
    try {
      if (humanCommand !== undefined) {
        // sync and load keep stdout for their summary: a crash is one line on stderr, as their failures are.
        const trace = toErrorTrace(error).trace.error!;
        logToStderr(`source-finpro ${humanCommand} failed (${trace.failure_type ?? 'system_error'}): ${trace.message} ${trace.internal_message ?? ''}`.trimEnd());
      } else {
        // A TRACE is flushed as it is emitted: a promise comes back only when the pipe is full.
        written = new StdoutEmitter().emit(toErrorTrace(error));
      }
    } catch {
      logToStderr('source-finpro: failed to report a crash');
    }
    if (written === undefined) process.exit(1);
    setTimeout(() => process.exit(1), CRASH_DRAIN_MS);
    written.then(
      () => process.exit(1),
      () => process.exit(1),
    );
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
export function exitIfCancelled(cancel: AbortSignal): void {
  if (cancel.aborted) process.exit(process.exitCode ?? 1);
}
