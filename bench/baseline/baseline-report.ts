import type { SandboxCredentials } from '../../sandbox/index.js';

/** What the bench sends the baseline program (argv JSON) and reads back (last stderr line). */
export interface BaselineRequest {
  url: string;
  credentials: SandboxCredentials;
  consentIdsFile: string;
  batchSize: number;
  concurrency: number;
  rangeFrom: string;
  rangeTo: string;
  timeoutMs: number;
}

export interface BaselineReport {
  setupSeconds: number;
  fetchSeconds: number;
  fetchCpuSeconds: number;
  sessions: number;
  requests: number;
  accounts: number;
  transactions: number;
  failedRequests: number;
}

export const BASELINE_REPORT_PREFIX = 'BASELINE_REPORT ';

/** Finds the report line in a child's stderr (a report-producing child prints it last). */
export function parseReportLine<T>(stderr: string, prefix: string = BASELINE_REPORT_PREFIX): T {
  const line = stderr
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(prefix));
  if (!line) throw new Error(`no ${prefix.trim()} line in: ${stderr.trim().slice(-500)}`);
  return JSON.parse(line.slice(prefix.length)) as T;
}
