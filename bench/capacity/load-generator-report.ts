import type { SandboxCredentials } from '../../sandbox/index.js';

export interface LoadGeneratorRequest {
  url: string;
  credentials: SandboxCredentials;
  consentIdsFile: string;
  rangeFrom: string;
  rangeTo: string;
  requests: number;
  concurrency: number;
  timeLimitMs: number;
}

export interface LoadGeneratorReport {
  requests: number;
  ok: number;
  failed: number;
  bytes: number;
  seconds: number;
  sessions: number;
}

export const LOAD_REPORT_PREFIX = 'LOAD_REPORT ';
