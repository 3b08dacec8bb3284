import { ConnectorError } from '../errors/connector-errors.js';
import type { MessageOf } from './airbyte-message.js';
import { errorTraceMessage } from './message-factory.js';

/**
 * The single place where any thrown value becomes a TRACE ERROR message. Typed connector
 * errors keep their failure type; anything else is a bug, so it is a system_error that carries
 * its stack in `stack_trace` (never as raw text on stdout).
 */
export function toErrorTrace(error: unknown): MessageOf<'TRACE'> {
  if (error instanceof ConnectorError) {
    return errorTraceMessage({
      message: error.message,
      failureType: error.failureType,
      internalMessage: error.internalMessage ?? describeCause(error.cause),
      // A config error is the user's to fix, not ours to debug: no stack to scare them with.
      ...(error.stack !== undefined && error.failureType !== 'config_error' ? { stackTrace: error.stack } : {}),
      ...(error.stream !== undefined ? { stream: error.stream } : {}),
    });
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return errorTraceMessage({
    message: 'source-finpro failed with an unexpected error; see internal_message and stack_trace.',
    failureType: 'system_error',
    internalMessage: `${err.name}: ${err.message}`,
    ...(err.stack !== undefined ? { stackTrace: err.stack } : {}),
  });
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
