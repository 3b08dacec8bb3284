import {
  FINAL_FAILURE_CODE,
  FINAL_FAILURE_MESSAGE,
  TRANSIENT_CODES,
  TRANSIENT_MESSAGE,
} from '../population/consent-scenario.js';
import type { ConsentInfo, ConsentPopulation } from '../population/consent-population.js';
import type { SessionStore } from './session-store.js';
import { pick } from '../util/seeded-hash.js';
import { iso } from '../util/time-format.js';

export interface RequestFailure {
  ok: false;
  code: string;
  message: string;
  /** The effective range, when the consent is known (rows echo it). */
  fromMs?: number;
  toMs?: number;
  /** Machine-readable hints, e.g. the consent's range for InvalidDateRange. */
  details?: Record<string, string>;
}

export interface RequestAccepted {
  ok: true;
  consent: ConsentInfo;
  fromMs: number;
  toMs: number;
  /** Set when this attempt of a TRANSIENT consent fails (the session ends TIMEOUT). */
  transientFailure: string | null;
}

export type RequestDecision = RequestFailure | RequestAccepted;

/**
 * The rules an FI request meets, shared by the single request and every bulk row, so both
 * paths fail the same consents the same way. Only TRANSIENT consents keep state: how many
 * attempts they have had, so that a later attempt succeeds.
 */
export class FiRequestService {
  private readonly attempts = new Map<number, number>();

  constructor(
    private readonly population: ConsentPopulation,
    private readonly sessions: SessionStore,
  ) {}

  decide(consentId: string, fromMs: number | undefined, toMs: number | undefined, now: number): RequestDecision {
    const consent = this.population.find(consentId);
    if (!consent) return fail('InvalidConsentId');
    // Omitted start: the consent's own range, or incremental since the last successful fetch.
    const lastTo = fromMs === undefined ? this.sessions.lastFetchedTo(consent.index, now) : undefined;
    const from = fromMs ?? (lastTo !== undefined && lastTo > consent.rangeFrom ? Math.min(lastTo, now) : consent.rangeFrom);
    const to = toMs ?? Math.min(consent.rangeTo, now);
    const allowed = `${iso(consent.rangeFrom)} to ${iso(Math.min(consent.rangeTo, now))}`;
    const details = { consentRangeFrom: iso(consent.rangeFrom), consentRangeTo: iso(consent.rangeTo) };
    // A final consent state wins over a bad range: retrying with another range cannot help.
    const final = FINAL_FAILURE_CODE[consent.scenario];
    if (final) return { ...fail(final), fromMs: from, toMs: to };
    if (to > now) {
      return { ok: false, code: 'InvalidDateRange', message: `fiDataRangeTo ${iso(to)} is after the current time; allowed range: ${allowed}.`, details, fromMs: from, toMs: to };
    }
    if (from > to) {
      return { ok: false, code: 'InvalidDateRange', message: `fiDataRangeFrom ${iso(from)} is after fiDataRangeTo ${iso(to)}.`, details, fromMs: from, toMs: to };
    }
    if (from < consent.rangeFrom || to > consent.rangeTo) {
      return {
        ok: false,
        code: 'InvalidDateRange',
        fromMs: from,
        toMs: to,
        message: `The requested range ${iso(from)} to ${iso(to)} leaves the consent's FI data range; allowed range: ${allowed}.`,
        details,
      };
    }

    let transientFailure: string | null = null;
    if (consent.scenario === 'TRANSIENT') {
      const attempt = (this.attempts.get(consent.index) ?? 0) + 1;
      this.attempts.set(consent.index, attempt);
      if (attempt <= consent.failingAttempts) {
        transientFailure = TRANSIENT_CODES[pick(TRANSIENT_CODES.length, this.population.seed, 0x7c0de, consent.index, attempt)] ?? 'NetworkTimeout';
      }
    }
    return { ok: true, consent, fromMs: from, toMs: to, transientFailure };
  }
}

function fail(code: string): RequestFailure {
  return { ok: false, code, message: FINAL_FAILURE_MESSAGE[code] ?? code };
}

export function transientMessage(code: string): string {
  return TRANSIENT_MESSAGE[code] ?? code;
}
