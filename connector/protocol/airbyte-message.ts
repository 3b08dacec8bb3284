import { z } from 'zod';

/**
 * Zod models of the Airbyte protocol messages this connector sends and reads, taken from
 * shared/airbyte/airbyte_protocol.yaml (protocol 0.3.2). Objects are `loose` because the
 * protocol sets `additionalProperties: true` everywhere: a newer platform may add fields and
 * we must pass them through, not reject them.
 */

export const StreamDescriptor = z.looseObject({ name: z.string(), namespace: z.string().optional() });
export type StreamDescriptor = z.infer<typeof StreamDescriptor>;

export const SyncMode = z.enum(['full_refresh', 'incremental']);
export type SyncMode = z.infer<typeof SyncMode>;
export const DestinationSyncMode = z.enum(['append', 'overwrite', 'append_dedup', 'update']);
export type DestinationSyncMode = z.infer<typeof DestinationSyncMode>;

const JsonObject = z.record(z.string(), z.unknown());

export const AirbyteRecordMessage = z.looseObject({
  namespace: z.string().optional(),
  stream: z.string(),
  data: JsonObject,
  emitted_at: z.number().int(),
});
export type AirbyteRecordMessage = z.infer<typeof AirbyteRecordMessage>;

export const AirbyteStateStats = z.looseObject({
  recordCount: z.number().optional(),
  rejectedRecordCount: z.number().optional(),
});

export const AirbyteStreamState = z.looseObject({
  stream_descriptor: StreamDescriptor,
  stream_state: JsonObject.optional(),
});
export type AirbyteStreamState = z.infer<typeof AirbyteStreamState>;

export const AirbyteGlobalState = z.looseObject({
  shared_state: JsonObject.optional(),
  stream_states: z.array(AirbyteStreamState),
});

export const AirbyteStateType = z.enum(['GLOBAL', 'STREAM', 'LEGACY']);

export const AirbyteStateMessage = z.looseObject({
  type: AirbyteStateType.optional(),
  stream: AirbyteStreamState.optional(),
  global: AirbyteGlobalState.optional(),
  data: JsonObject.optional(),
  sourceStats: AirbyteStateStats.optional(),
  destinationStats: AirbyteStateStats.optional(),
});
export type AirbyteStateMessage = z.infer<typeof AirbyteStateMessage>;

export const LogLevel = z.enum(['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE']);
export type LogLevel = z.infer<typeof LogLevel>;
export const AirbyteLogMessage = z.looseObject({
  level: LogLevel,
  message: z.string(),
  stack_trace: z.string().optional(),
});

export const FailureType = z.enum(['system_error', 'config_error', 'transient_error']);
export type FailureType = z.infer<typeof FailureType>;

export const AirbyteErrorTraceMessage = z.looseObject({
  message: z.string(),
  internal_message: z.string().optional(),
  stack_trace: z.string().optional(),
  failure_type: FailureType.optional(),
  stream_descriptor: StreamDescriptor.optional(),
});

export const AirbyteEstimateTraceMessage = z.looseObject({
  name: z.string(),
  type: z.enum(['STREAM', 'SYNC']),
  namespace: z.string().optional(),
  row_estimate: z.number().int().optional(),
  byte_estimate: z.number().int().optional(),
});

export const AirbyteStreamStatus = z.enum(['STARTED', 'RUNNING', 'COMPLETE', 'INCOMPLETE']);
export type AirbyteStreamStatus = z.infer<typeof AirbyteStreamStatus>;

export const AirbyteStreamStatusReason = z.object({
  type: z.literal('RATE_LIMITED'),
  rate_limited: z.object({ quota_reset: z.number().int().optional() }).optional(),
});
export type AirbyteStreamStatusReason = z.infer<typeof AirbyteStreamStatusReason>;

export const AirbyteStreamStatusTraceMessage = z.looseObject({
  stream_descriptor: StreamDescriptor,
  status: AirbyteStreamStatus,
  reasons: z.array(AirbyteStreamStatusReason).optional(),
});

export const AirbyteTraceMessage = z.looseObject({
  type: z.enum(['ERROR', 'ESTIMATE', 'STREAM_STATUS', 'ANALYTICS']),
  emitted_at: z.number(),
  error: AirbyteErrorTraceMessage.optional(),
  estimate: AirbyteEstimateTraceMessage.optional(),
  stream_status: AirbyteStreamStatusTraceMessage.optional(),
});
export type AirbyteTraceMessage = z.infer<typeof AirbyteTraceMessage>;

export const AirbyteStream = z.looseObject({
  name: z.string(),
  json_schema: JsonObject,
  supported_sync_modes: z.array(SyncMode).min(1),
  source_defined_cursor: z.boolean().optional(),
  default_cursor_field: z.array(z.string()).optional(),
  source_defined_primary_key: z.array(z.array(z.string())).optional(),
  namespace: z.string().optional(),
  is_resumable: z.boolean().optional(),
});
export type AirbyteStream = z.infer<typeof AirbyteStream>;

export const AirbyteCatalog = z.looseObject({ streams: z.array(AirbyteStream) });
export type AirbyteCatalog = z.infer<typeof AirbyteCatalog>;

export const ConfiguredAirbyteStream = z.looseObject({
  stream: AirbyteStream,
  sync_mode: SyncMode,
  cursor_field: z.array(z.string()).optional(),
  destination_sync_mode: DestinationSyncMode,
  primary_key: z.array(z.array(z.string())).optional(),
  generation_id: z.number().int().optional(),
  minimum_generation_id: z.number().int().optional(),
  sync_id: z.number().int().optional(),
});
export type ConfiguredAirbyteStream = z.infer<typeof ConfiguredAirbyteStream>;

export const ConfiguredAirbyteCatalog = z.looseObject({ streams: z.array(ConfiguredAirbyteStream) });
export type ConfiguredAirbyteCatalog = z.infer<typeof ConfiguredAirbyteCatalog>;

export const ConnectorSpecification = z.looseObject({
  documentationUrl: z.string().optional(),
  changelogUrl: z.string().optional(),
  connectionSpecification: JsonObject,
  supportsIncremental: z.boolean().optional(),
  supportsNormalization: z.boolean().optional(),
  supportsDBT: z.boolean().optional(),
  supported_destination_sync_modes: z.array(DestinationSyncMode).optional(),
});
export type ConnectorSpecification = z.infer<typeof ConnectorSpecification>;

export const AirbyteConnectionStatus = z.looseObject({
  status: z.enum(['SUCCEEDED', 'FAILED']),
  message: z.string().optional(),
});

/** The union the connector writes and reads, discriminated on `type` so switches are exhaustive. */
export const AirbyteMessage = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('RECORD'), record: AirbyteRecordMessage }),
  z.looseObject({ type: z.literal('STATE'), state: AirbyteStateMessage }),
  z.looseObject({ type: z.literal('LOG'), log: AirbyteLogMessage }),
  z.looseObject({ type: z.literal('TRACE'), trace: AirbyteTraceMessage }),
  z.looseObject({ type: z.literal('SPEC'), spec: ConnectorSpecification }),
  z.looseObject({ type: z.literal('CONNECTION_STATUS'), connectionStatus: AirbyteConnectionStatus }),
  z.looseObject({ type: z.literal('CATALOG'), catalog: AirbyteCatalog }),
]);
export type AirbyteMessage = z.infer<typeof AirbyteMessage>;
export type AirbyteMessageType = AirbyteMessage['type'];
export type MessageOf<T extends AirbyteMessageType> = Extract<AirbyteMessage, { type: T }>;
