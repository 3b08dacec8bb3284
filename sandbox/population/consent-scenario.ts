/**
 * What happens when a consent is asked for data. The share of each is "roughly" what a
 * production FIU sees; ACTIVE dominates so that benchmarks mostly move data.
 */
export const CONSENT_SCENARIOS = [
  'ACTIVE',
  'REVOKED',
  'EXPIRED',
  'PAUSED',
  'QUOTA',
  'DATE_RANGE',
  'TRANSIENT',
] as const;
export type ConsentScenario = (typeof CONSENT_SCENARIOS)[number];

/** Cumulative shares, in the order of CONSENT_SCENARIOS (ACTIVE 80%, the rest 2-5% each). */
const CUMULATIVE: ReadonlyArray<readonly [number, ConsentScenario]> = [
  [0.8, 'ACTIVE'],
  [0.83, 'REVOKED'],
  [0.86, 'EXPIRED'],
  [0.88, 'PAUSED'],
  [0.9, 'QUOTA'],
  [0.95, 'DATE_RANGE'],
  [1, 'TRANSIENT'],
];

export function scenarioForUnit(u: number): ConsentScenario {
  for (const [limit, scenario] of CUMULATIVE) if (u < limit) return scenario;
  return 'ACTIVE';
}

export type RetryEligibility = 'Yes' | 'No' | 'YesWithModifications';

/** Final (never-retry) failures, by scenario, as FinPro error codes. */
export const FINAL_FAILURE_CODE: Partial<Record<ConsentScenario, string>> = {
  REVOKED: 'ConsentRevoked',
  EXPIRED: 'ConsentExpired',
  PAUSED: 'ConsentPaused',
  QUOTA: 'QuotaExceeded',
};

export const FINAL_FAILURE_MESSAGE: Record<string, string> = {
  ConsentRevoked: 'The consent has been revoked by the customer.',
  ConsentExpired: 'The consent has expired.',
  ConsentPaused: 'The consent is paused by the customer.',
  QuotaExceeded: 'The consent fetch frequency limit has been reached.',
  InvalidConsentId: 'Consent ID does not exist.',
};

export const TRANSIENT_CODES = ['NetworkTimeout', 'AANotAvailable', 'FIPNotAvailable'] as const;

export const TRANSIENT_MESSAGE: Record<string, string> = {
  NetworkTimeout: 'The FIP did not answer in time.',
  AANotAvailable: 'The Account Aggregator is temporarily unavailable.',
  FIPNotAvailable: 'The FIP is temporarily unavailable.',
};

export function eligibilityOf(code: string): RetryEligibility {
  if ((TRANSIENT_CODES as readonly string[]).includes(code)) return 'Yes';
  if (code === 'InvalidDateRange') return 'YesWithModifications';
  return 'No';
}
