import { API_VERSION, HttpError, json, parseJsonObject, invalid } from '../http-io.js';
import { optionalString } from '../request-fields.js';
import { JSON_BODY_LIMIT, type FinProRoute } from '../route-types.js';
import { sessionViewAt } from '../../fi/session-view.js';
import { iso } from '../../util/time-format.js';

/** POST /consent/firequest/status by sessionId, or by consentId (its latest session). */
export const fiStatusRoute: FinProRoute = {
  path: '/consent/firequest/status',
  bodyLimit: JSON_BODY_LIMIT,
  tooLargeCode: 'InvalidRequest',
  body: 'json',
  handle({ ctx, body }) {
    const payload = parseJsonObject(body);
    const sessionId = optionalString(payload, 'sessionId');
    const consentId = optionalString(payload, 'consentId');
    const now = ctx.now();
    let session;
    if (sessionId) {
      session = ctx.sessions.get(sessionId);
      if (!session || session.createdAt > now) throw invalid('sessionId', 'is unknown');
    } else if (consentId) {
      const index = ctx.population.indexOf(consentId);
      if (index === undefined) throw new HttpError(400, 'InvalidConsentId', 'Consent ID does not exist.');
      session = ctx.sessions.ofConsent(index, now).at(-1);
      if (!session) throw invalid('consentId', 'has no FI request');
    } else {
      throw invalid('sessionId', 'is required (or consentId)');
    }
    const consent = ctx.population.consent(session.consentIndex);
    const view = sessionViewAt(session, consent, now, ctx.options.dataLifeMs);
    return json(200, {
      ver: API_VERSION,
      timestamp: iso(now),
      status: 'success',
      data: { sessionId: session.id, consentId: session.consentId, ...view },
    });
  },
};
