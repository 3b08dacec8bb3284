import { API_VERSION, HttpError, invalid, json, parseJsonObject } from '../http-io.js';
import { optionalInstant, optionalString } from '../request-fields.js';
import { JSON_BODY_LIMIT, type FinProRoute } from '../route-types.js';
import { sessionReadable } from '../../fi/session-view.js';
import type { FiSession } from '../../fi/session-store.js';
import { generateAccountData } from '../../population/fi-data-generator.js';
import { DAY_MS, iso } from '../../util/time-format.js';

/**
 * POST /getallfidata: the fetched data of a consent (its latest readable session, or the
 * session named by our `sessionId` extension), transactions filtered to the dates given.
 * Generated at request time and serialized once.
 */
export const fiDataRoute: FinProRoute = {
  path: '/getallfidata',
  bodyLimit: JSON_BODY_LIMIT,
  tooLargeCode: 'InvalidPayload',
  body: 'json',
  handle({ ctx, body }) {
    const payload = parseJsonObject(body, 'InvalidPayload');
    const consentId = optionalString(payload, 'consentID');
    if (!consentId) {
      throw invalid('consentID', typeof payload['consentId'] === 'string' ? 'is required (note the capital ID: consentID)' : 'is required');
    }
    const sessionId = optionalString(payload, 'sessionId');
    const startMs = optionalInstant(payload, 'transactionsStartDate');
    let endMs = optionalInstant(payload, 'transactionsEndDate');
    // A bare end date means "through that day".
    if (endMs !== undefined && String(payload['transactionsEndDate']).length === 10) endMs += DAY_MS - 1;
    if (startMs !== undefined && endMs !== undefined && startMs > endMs) {
      throw invalid('transactionsStartDate', 'is after transactionsEndDate');
    }

    const now = ctx.now();
    const index = ctx.population.indexOf(consentId);
    if (index === undefined) throw new HttpError(400, 'InvalidConsentId', 'Consent ID does not exist.');

    let session: FiSession | undefined;
    if (sessionId) {
      session = ctx.sessions.get(sessionId);
      if (!session || session.createdAt > now) throw invalid('sessionId', 'is unknown');
      if (session.consentIndex !== index) throw invalid('sessionId', 'does not belong to consentID');
      if (!sessionReadable(session, now)) throw noData();
    } else {
      session = ctx.sessions
        .ofConsent(index, now)
        .filter((s) => sessionReadable(s, now))
        .reduce<FiSession | undefined>((latest, s) => (!latest || s.readyAt >= latest.readyAt ? s : latest), undefined);
      if (!session) throw noData();
    }
    if (now >= session.readyAt + ctx.options.dataLifeMs) {
      throw new HttpError(400, 'DataIsDeleted', `The data of session ${session.id} is past its data life and has been deleted.`);
    }

    const consent = ctx.population.consent(index);
    const from = Math.max(session.fromMs, startMs ?? -Infinity);
    const to = Math.min(session.toMs, endMs ?? Infinity);
    const served: Array<{ fiType: string; transactions: number; holdings: number }> = [];
    const data = consent.accounts
      .filter((a) => a.undelivered === null)
      .map((account) => {
        const generated = generateAccountData(ctx.options.seed, consent, account, from, Math.max(from - 1, to), ctx.options.fiShape);
        served.push({ fiType: account.fiType, transactions: generated.transactionCount, holdings: generated.holdingCount });
        return generated.json;
      });
    ctx.stats.getAllFiData(consentId, session.id, served);
    return json(200, {
      ver: API_VERSION,
      status: 'success',
      timestamp: iso(now),
      consentID: consentId,
      sessionId: session.id,
      data,
    });
  },
};

function noData(): HttpError {
  return new HttpError(400, 'NoDataAvailable', 'No data has been fetched for this consent yet.');
}
