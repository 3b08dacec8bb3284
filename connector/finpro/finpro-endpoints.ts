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

export async function fiRequest(client: FinproClient, body: { consentId: string } & Omit<RangeAndConfig, 'configId'>): Promise<string> {
  return parseResponse(FiRequestResponse, await client.post(PATHS.fiRequest, body), PATHS.fiRequest).data.sessionId;
}

export async function fiRequestStatus(client: FinproClient, sessionId: string): Promise<FiStatusData> {
  return parseResponse(FiStatusResponse, await client.post(PATHS.fiStatus, { sessionId }), PATHS.fiStatus).data;
}

/**
 * The raw answer of `/getallfidata`; the caller walks `data` itself (hot path, no zod).
 * Note the capital `ID` in `consentID`.
 */
export async function getAllFiData(
  client: FinproClient,
  body: { consentID: string; sessionId?: string; transactionsStartDate?: string; transactionsEndDate?: string },
): Promise<unknown> {
  return client.post(PATHS.allFiData, body);
}
