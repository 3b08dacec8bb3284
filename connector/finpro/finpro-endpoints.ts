import { SystemError } from '../errors/connector-errors.js';
import { FiDataStreamError, splitFiDataStream, type FiDataSplit } from './fi-data-stream-splitter.js';
import { UnreadableBodyError, type FinproClient, type RequestOptions } from './finpro-client.js';
import {
  BulkStatusResponse,
  FiRequestResponse,
  FiStatusResponse,
  ScheduleResponse,
  parseResponse,
  type BulkStatusData,
  type FiStatusData,
} from './finpro-responses.js';

/** Typed FinPro endpoints over the one client. Paths and field spellings follow finpro-api.md. */

export interface RangeAndConfig {
  fiDataRangeFrom?: string;
  fiDataRangeTo?: string;
  configId?: string;
}

export interface ScheduleJsonBody extends RangeAndConfig {
  reference_id: string;
  consents_list: ({ consent_id: string } & RangeAndConfig)[];
}

export const PATHS = {
  scheduleJson: '/v2/schedule/fi/requests',
  scheduleFile: '/fi/requests/schedule/upload/v3',
  bulkStatus: '/bulk/status',
  fiRequest: '/fi/request',
  fiStatus: '/consent/firequest/status',
  allFiData: '/getallfidata',
} as const;

export async function scheduleJson(client: FinproClient, body: ScheduleJsonBody, options: RequestOptions = {}): Promise<ScheduleResponse['data']> {
  return parseResponse(ScheduleResponse, await client.post(PATHS.scheduleJson, body, options), PATHS.scheduleJson).data;
}

export async function scheduleFile(client: FinproClient, form: FormData, options: RequestOptions = {}): Promise<ScheduleResponse['data']> {
  return parseResponse(ScheduleResponse, await client.post(PATHS.scheduleFile, undefined, { ...options, form }), PATHS.scheduleFile).data;
}

export interface BulkStatusQuery {
  reference_id: string;
  page: number;
  limit: number;
  filters?: { status?: string[]; retry_eligible?: string };
}

export async function bulkStatus(client: FinproClient, query: BulkStatusQuery): Promise<BulkStatusData> {
  return parseResponse(BulkStatusResponse, await client.post(PATHS.bulkStatus, { ...query, include_balances: false }), PATHS.bulkStatus).data;
}

export async function fiRequest(client: FinproClient, body: { consentId: string } & Omit<RangeAndConfig, 'configId'>, options: RequestOptions = {}): Promise<string> {
  return parseResponse(FiRequestResponse, await client.post(PATHS.fiRequest, body, options), PATHS.fiRequest).data.sessionId;
}

export async function fiRequestStatus(client: FinproClient, sessionId: string): Promise<FiStatusData> {
  return parseResponse(FiStatusResponse, await client.post(PATHS.fiStatus, { sessionId }), PATHS.fiStatus).data;
}

/** The status of a consent's newest session (the contract's `consentId` form). */
export async function fiRequestStatusByConsent(client: FinproClient, consentId: string): Promise<FiStatusData> {
  return parseResponse(FiStatusResponse, await client.post(PATHS.fiStatus, { consentId }), PATHS.fiStatus).data;
}

/**
 * The largest account (one element of `/getallfidata`'s `data`) read. The answer is streamed
 * (FiDataStreamSplitter): memory holds one account at a time, whatever the answer's size, and
 * each account is JSON.parsed natively. A consent-year account is ~12 KB in the sandbox;
 * 64 MB is centuries of such an account, or years of a very busy one.
 */
export const FI_DATA_MAX_BYTES = 64 * 1024 * 1024;

/** One account of the answer is over FI_DATA_MAX_BYTES (or the bound given). */
export class FiAccountTooLargeError extends SystemError {
  constructor(readonly maxBytes: number, options?: { cause?: unknown }) {
    super(`FinPro ${PATHS.allFiData} answered with an account of more than ${maxBytes} bytes.`, options);
  }
}

/**
 * `/getallfidata`, streamed: `onAccount` gets each element of `data` as soon as it has
 * arrived (awaited: backpressure reaches the socket), and the result carries the rest of the
 * answer (the envelope) for the caller to judge. Note the capital `ID` in `consentID`. A body
 * cut short or not JSON is retried by the client from the start, so `onAccount` may see the
 * first accounts of an answer twice (records keyed by session and account, so a destination
 * de-duplicates them); the caller's `onAttempt` runs before each attempt.
 */
export async function streamAllFiData(
  client: FinproClient,
  body: { consentID: string; sessionId?: string; transactionsStartDate?: string; transactionsEndDate?: string },
  handlers: { onAttempt(): void; onAccount(account: unknown, index: number): void | Promise<void> },
  maxAccountBytes: number = FI_DATA_MAX_BYTES,
): Promise<FiDataSplit> {
  return client.postStream(PATHS.allFiData, body, async (chunks) => {
    handlers.onAttempt();
    try {
      return await splitFiDataStream(chunks, handlers.onAccount, { maxElementBytes: maxAccountBytes });
    } catch (error) {
      if (!(error instanceof FiDataStreamError)) throw error;
      if (error.kind === 'truncated' || error.kind === 'invalid') throw new UnreadableBodyError(`HTTP 200 with a body that is not the JSON expected: ${error.message}`, { cause: error });
      if (error.kind === 'element-too-large') throw new FiAccountTooLargeError(maxAccountBytes, { cause: error });
      throw new SystemError(`FinPro ${PATHS.allFiData} answered out of contract: ${error.message}`, { cause: error });
    }
  });
}
