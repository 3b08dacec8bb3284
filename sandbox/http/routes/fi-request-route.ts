import { API_VERSION, HttpError, json, parseJsonObject } from '../http-io.js';
import { optionalInstant, requiredString } from '../request-fields.js';
import { JSON_BODY_LIMIT, type FinProRoute } from '../route-types.js';
import { hash32, unit } from '../../util/seeded-hash.js';
import { iso } from '../../util/time-format.js';

/** Single-request fetch time at speed 1: 1 to 3 s, PENDING until then. */
const FETCH_MIN_MS = 1000;
const FETCH_SPREAD_MS = 2000;

/** POST /fi/request: final consent failures are a 400 here; transient ones end TIMEOUT later. */
export const fiRequestRoute: FinProRoute = {
  path: '/fi/request',
  bodyLimit: JSON_BODY_LIMIT,
  tooLargeCode: 'InvalidRequest',
  body: 'json',
  handle({ ctx, body }) {
    const payload = parseJsonObject(body);
    const consentId = requiredString(payload, 'consentId');
    const fromMs = optionalInstant(payload, 'fiDataRangeFrom');
    const toMs = optionalInstant(payload, 'fiDataRangeTo');
    const now = ctx.now();
    const decision = ctx.fiRequests.decide(consentId, fromMs, toMs, now);
    if (!decision.ok) {
      ctx.stats.fiRequest(consentId, {
        source: 'single',
        reference_id: null,
        fiDataRangeFrom: fromMs === undefined ? null : iso(fromMs),
        fiDataRangeTo: toMs === undefined ? null : iso(toMs),
        session_id: null,
        outcome: decision.code,
      });
      throw new HttpError(400, decision.code, decision.message, decision.details ? { details: decision.details } : undefined);
    }
    const readyAt = Math.round(now + ctx.scaled(FETCH_MIN_MS + unit(ctx.options.seed, 0x51e, now) * FETCH_SPREAD_MS));
    // Keyed by consent and range start (the end is "now" for most clients, so it moves with the
    // clock): a later incremental sync starts later and gets a new id; a repeat gets the next one.
    const session = ctx.sessions.create([decision.consent.index, hash32(ctx.options.seed, decision.fromMs), 0], {
      consentId: decision.consent.id,
      consentIndex: decision.consent.index,
      fromMs: decision.fromMs,
      toMs: decision.toMs,
      createdAt: now,
      readyAt,
      failureCode: decision.transientFailure,
    });
    ctx.stats.sessionCreated();
    ctx.stats.fiRequest(consentId, {
      source: 'single',
      reference_id: null,
      fiDataRangeFrom: iso(decision.fromMs),
      fiDataRangeTo: iso(decision.toMs),
      session_id: session.id,
      outcome: decision.transientFailure ?? 'DATA_READY',
    });
    return json(200, {
      ver: API_VERSION,
      timestamp: iso(now),
      response: 'ok',
      data: { consentId, sessionId: session.id },
    });
  },
};
