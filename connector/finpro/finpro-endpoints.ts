import type { FinproClient, RequestOptions } from './finpro-client.js';
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
 * The largest `/getallfidata` answer read. One answer is parsed whole (JSON.parse), so memory
 * is about max_concurrency answers; this bound keeps that finite. A consent-year is ~25 KB
 * in the sandbox; 64 MB is ~2,500 years of such an account, or several years of a very busy
 * one. Why not stream: the answer is one JSON document whose bulk is `data[].transactions`;
 * a streaming tokenizer in JavaScript does per-token work that V8's native JSON.parse does
 * in C++, several times its CPU on the path that sets records/s, which the read bench holds
 * to >= 0.7 x a program that JSON.parses each answer whole. A clear error on an oversize
 * answer (naming consent and session, with the fix: a narrower range) costs nothing.
 */
export const FI_DATA_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The raw answer of `/getallfidata`; the caller walks `data` itself (hot path, no zod).
 * Note the capital `ID` in `consentID`.
 */
export async function getAllFiData(
  client: FinproClient,
  body: { consentID: string; sessionId?: string; transactionsStartDate?: string; transactionsEndDate?: string },
  maxBytes: number = FI_DATA_MAX_BYTES,
): Promise<unknown> {
  return client.post(PATHS.allFiData, body, { maxBytes });
}
