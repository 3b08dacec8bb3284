import type {
  AirbyteCatalog,
  AirbyteMessage,
  AirbyteStreamState,
  AirbyteStreamStatus,
  AirbyteStreamStatusReason,
  ConnectorSpecification,
  FailureType,
  LogLevel,
  MessageOf,
} from './airbyte-message.js';

/**
 * Small factories for every message the connector emits, so no module hand-builds protocol
 * objects (and a field rename is one edit). `now` is injectable for deterministic tests.
 */

export type Clock = () => number;
const systemClock: Clock = () => Date.now();

export function recordMessage(stream: string, data: Record<string, unknown>, now: Clock = systemClock): MessageOf<'RECORD'> {
  return { type: 'RECORD', record: { stream, data, emitted_at: now() } };
}

/** A per-stream STATE message; `recordCount` is the records of that stream since its previous state. */
export function streamStateMessage(stream: string, streamState: Record<string, unknown>, recordCount: number): MessageOf<'STATE'> {
  const state: AirbyteStreamState = { stream_descriptor: { name: stream }, stream_state: streamState };
  return { type: 'STATE', state: { type: 'STREAM', stream: state, sourceStats: { recordCount } } };
}

export function logMessage(level: LogLevel, message: string): MessageOf<'LOG'> {
  return { type: 'LOG', log: { level, message } };
}

export function streamStatusMessage(
  stream: string,
  status: AirbyteStreamStatus,
  reasons?: AirbyteStreamStatusReason[],
  now: Clock = systemClock,
): MessageOf<'TRACE'> {
  return {
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: now(),
      stream_status: { stream_descriptor: { name: stream }, status, ...(reasons ? { reasons } : {}) },
    },
  };
}

export function estimateMessage(stream: string, rowEstimate: number, now: Clock = systemClock): MessageOf<'TRACE'> {
  return {
    type: 'TRACE',
    trace: { type: 'ESTIMATE', emitted_at: now(), estimate: { name: stream, type: 'STREAM', row_estimate: Math.round(rowEstimate) } },
  };
}

export interface ErrorTraceFields {
  message: string;
  failureType: FailureType;
  internalMessage?: string;
  stackTrace?: string;
  stream?: string;
}

export function errorTraceMessage(fields: ErrorTraceFields, now: Clock = systemClock): MessageOf<'TRACE'> {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: now(),
      error: {
        message: fields.message,
        failure_type: fields.failureType,
        ...(fields.internalMessage !== undefined ? { internal_message: fields.internalMessage } : {}),
        ...(fields.stackTrace !== undefined ? { stack_trace: fields.stackTrace } : {}),
        ...(fields.stream !== undefined ? { stream_descriptor: { name: fields.stream } } : {}),
      },
    },
  };
}

export function specMessage(spec: ConnectorSpecification): MessageOf<'SPEC'> {
  return { type: 'SPEC', spec };
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): MessageOf<'CONNECTION_STATUS'> {
  return { type: 'CONNECTION_STATUS', connectionStatus: { status, ...(message !== undefined ? { message } : {}) } };
}

export function catalogMessage(catalog: AirbyteCatalog): MessageOf<'CATALOG'> {
  return { type: 'CATALOG', catalog };
}

export type { AirbyteMessage };
