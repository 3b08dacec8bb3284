import type { AirbyteMessage } from '../../protocol/airbyte-message.js';
import { recordMessage, streamStateMessage, streamStatusMessage } from '../../protocol/message-factory.js';
import { streamDefinition, type StreamName } from '../../streams/stream-registry.js';
import { AirbyteLoader, type LoadStream, type LoaderOptions } from '../airbyte-loader.js';
import type { LoadDestination } from '../load-destination.js';
import type { LoadMode } from '../load-sql.js';
import { tablePlanFor } from '../table-mapping.js';

/** Hand-built Airbyte messages and a driver that feeds them through the real loader. */

export function loadStream(name: StreamName, mode: LoadMode = 'append_dedup', generationId = 0): LoadStream {
  return { plan: tablePlanFor(streamDefinition(name)), mode, generationId };
}

export function txn(txnId: string, fetchedAt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    session_id: 's-1',
    consent_id: 'c-1',
    link_reference_number: 'L-1',
    txn_id: txnId,
    type: 'CREDIT',
    mode: 'UPI',
    amount: '100.25',
    current_balance: '1000.00',
    transaction_timestamp: '2025-03-04T05:06:07Z',
    value_date: '2025-03-04',
    narration: `txn ${txnId}`,
    reference: null,
    fetched_at: fetchedAt,
    ...extra,
  };
}

/** An fi_holdings record as the harvester emits it (columns of schemas/fi_holdings.json). */
export function holding(sessionId: string, link: string, holdingId: string, fetchedAt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    session_id: sessionId,
    consent_id: 'c-1',
    link_reference_number: link,
    fi_type: 'MUTUAL_FUNDS',
    holding_id: holdingId,
    isin: holdingId,
    scheme_code: null,
    scheme_name: `scheme ${holdingId}`,
    issuer_name: null,
    units: '1234.567',
    price: null,
    nav: '49.4123',
    value: '61000.123456',
    cost_value: '50000',
    face_value: null,
    maturity_date: null,
    folio_no: 'F1',
    demat_id: null,
    tier: null,
    extra: { amfiCode: '120503', lienUnits: '' },
    fetched_at: fetchedAt,
    ...extra,
  };
}

let clock = 1_750_000_000_000;
export function record(stream: StreamName, data: Record<string, unknown>): AirbyteMessage {
  clock += 1;
  const at = clock;
  return recordMessage(stream, data, () => at);
}

export function state(stream: StreamName, blob: Record<string, unknown>, count = 0): AirbyteMessage {
  return streamStateMessage(stream, blob, count);
}

export function complete(stream: StreamName): AirbyteMessage {
  return streamStatusMessage(stream, 'COMPLETE');
}

/** Prepares the tables, feeds the messages one by one (awaiting backpressure), then finishes unless told to stop dead. */
export async function feed(
  destination: LoadDestination,
  streams: LoadStream[],
  messages: AirbyteMessage[],
  options: { finish?: 'success' | 'failure' | 'none'; loader?: Partial<LoaderOptions> } = {},
): Promise<AirbyteLoader> {
  await destination.prepare(streams);
  const loader = new AirbyteLoader(destination, streams, { syncId: 42, minCommitIntervalMs: 0, ...options.loader });
  for (const message of messages) {
    const pending = loader.emit(message);
    if (pending) await pending;
  }
  const finish = options.finish ?? 'success';
  if (finish !== 'none') await loader.finish(finish === 'success');
  // "Dies" after the commit already under way: a kill lands before or after a transaction, never inside it.
  else await loader.settled();
  return loader;
}

/** Normalizes what the two databases print: decimals without trailing zeros, JSON parsed. */
export function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'string' && /^-?\d+\.\d+$/.test(value)) out[key] = value.replace(/0+$/, '').replace(/\.$/, '');
    else if (typeof value === 'string' && /^[[{]/.test(value)) out[key] = JSON.parse(value) as unknown;
    else if (typeof value === 'bigint') out[key] = String(value);
    else out[key] = value;
  }
  return out;
}
