import type { AirbyteMessage, MessageOf } from '../../connector/protocol/airbyte-message.js';
import { protocolErrorsOfLine } from './protocol-validator.js';

/**
 * What one run of the connector printed, split the way tests ask about it (after the Airbyte
 * CDK's `EntrypointOutput`). Built from raw stdout so the split itself checks the protocol:
 * every stdout line that is not a valid AirbyteMessage lands in `protocolErrors`.
 */
export interface EntrypointOutput {
  /** Process exit code (null when killed by a signal). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Raw stdout lines, empty lines dropped. */
  stdoutLines: string[];
  /** Every stdout line that parsed as JSON, in order. */
  messages: AirbyteMessage[];
  /** Messages grouped by `type`. */
  messagesByType: { [T in AirbyteMessage['type']]?: MessageOf<T>[] };
  records: MessageOf<'RECORD'>['record'][];
  /** Record data per stream name, in emitted order. */
  recordsByStream: Map<string, Record<string, unknown>[]>;
  /** The `state` objects of STATE messages, in order. */
  states: MessageOf<'STATE'>['state'][];
  /** The `trace` objects of TRACE messages, in order. */
  traces: MessageOf<'TRACE'>['trace'][];
  /** TRACE ERROR payloads (`trace.error`). */
  errors: NonNullable<MessageOf<'TRACE'>['trace']['error']>[];
  /** STREAM_STATUS traces as `{stream, status}` in order. */
  streamStatuses: { stream: string; status: string }[];
  logs: MessageOf<'LOG'>['log'][];
  connectionStatus: MessageOf<'CONNECTION_STATUS'>['connectionStatus'][];
  spec: MessageOf<'SPEC'>['spec'] | undefined;
  catalog: MessageOf<'CATALOG'>['catalog'] | undefined;
  /** One entry per stdout line that is not a valid AirbyteMessage: `line N: problem`. */
  protocolErrors: string[];
  stderr: string;
  stdout: string;
}

export function parseEntrypointOutput(stdout: string, stderr: string, exitCode: number | null, signal: NodeJS.Signals | null = null): EntrypointOutput {
  const stdoutLines = stdout.split('\n').filter((line) => line.trim() !== '');
  const messages: AirbyteMessage[] = [];
  const protocolErrors: string[] = [];
  stdoutLines.forEach((line, index) => {
    for (const problem of protocolErrorsOfLine(line)) protocolErrors.push(`line ${index + 1}: ${problem}`);
    try {
      messages.push(JSON.parse(line) as AirbyteMessage);
    } catch {
      // already reported as "not JSON"
    }
  });
  return { ...splitMessages(messages), exitCode, signal, stdoutLines, protocolErrors, stderr, stdout };
}

/** The typed views of a message list; usable on in-process output too (e.g. a CollectingSink). */
export function splitMessages(messages: AirbyteMessage[]) {
  const messagesByType: EntrypointOutput['messagesByType'] = {};
  const recordsByStream = new Map<string, Record<string, unknown>[]>();
  const out = {
    messages,
    messagesByType,
    records: [] as EntrypointOutput['records'],
    recordsByStream,
    states: [] as EntrypointOutput['states'],
    traces: [] as EntrypointOutput['traces'],
    errors: [] as EntrypointOutput['errors'],
    streamStatuses: [] as EntrypointOutput['streamStatuses'],
    logs: [] as EntrypointOutput['logs'],
    connectionStatus: [] as EntrypointOutput['connectionStatus'],
    spec: undefined as EntrypointOutput['spec'],
    catalog: undefined as EntrypointOutput['catalog'],
  };
  for (const message of messages) {
    ((messagesByType as Record<string, AirbyteMessage[]>)[message.type] ??= []).push(message);
    switch (message.type) {
      case 'RECORD': {
        out.records.push(message.record);
        const list = recordsByStream.get(message.record.stream) ?? [];
        list.push(message.record.data);
        recordsByStream.set(message.record.stream, list);
        break;
      }
      case 'STATE':
        out.states.push(message.state);
        break;
      case 'TRACE':
        out.traces.push(message.trace);
        if (message.trace.error !== undefined) out.errors.push(message.trace.error);
        if (message.trace.stream_status !== undefined) {
          out.streamStatuses.push({ stream: message.trace.stream_status.stream_descriptor.name, status: message.trace.stream_status.status });
        }
        break;
      case 'LOG':
        out.logs.push(message.log);
        break;
      case 'CONNECTION_STATUS':
        out.connectionStatus.push(message.connectionStatus);
        break;
      case 'SPEC':
        out.spec = message.spec;
        break;
      case 'CATALOG':
        out.catalog = message.catalog;
        break;
    }
  }
  return out;
}
