import { bulkBatchRowsStream } from './bulk-batch-rows-stream.js';
import { bulkBatchesStream } from './bulk-batches-stream.js';
import { fiAccountsStream } from './fi-accounts-stream.js';
import { fiDataStream } from './fi-data-stream.js';
import { fiHoldingsStream } from './fi-holdings-stream.js';
import { fiTransactionsStream } from './fi-transactions-stream.js';
import type { StreamDefinition } from './stream-definition.js';

/** Every stream the connector offers, in discover order. The names derive from the definitions. */
export const STREAMS = [bulkBatchesStream, bulkBatchRowsStream, fiDataStream, fiAccountsStream, fiTransactionsStream, fiHoldingsStream] as const;

export type StreamName = (typeof STREAMS)[number]['name'];
export const STREAM_NAMES: readonly StreamName[] = STREAMS.map((stream) => stream.name);

export function isStreamName(name: string): name is StreamName {
  return (STREAM_NAMES as readonly string[]).includes(name);
}

export function streamDefinition(name: StreamName): StreamDefinition<StreamName> {
  return STREAMS.find((stream) => stream.name === name)!;
}
