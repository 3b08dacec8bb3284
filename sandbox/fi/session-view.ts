import type { FiSession } from './session-store.js';
import type { ConsentInfo } from '../population/consent-population.js';
import { iso } from '../util/time-format.js';

export type EventStatus = 'PENDING' | 'DATA_READY' | 'TIMEOUT' | 'SESSION_EXPIRED';

export interface SessionView {
  eventStatus: EventStatus;
  dataExpiry: string;
  linkRefNumbers: Array<{ linkRefNumber: string; fiStatus: string; fipId: string; fipName: string; maskedAccountNumber: string }>;
}

/** A session's status at `now`, read off its fixed timeline. */
export function sessionViewAt(session: FiSession, consent: ConsentInfo, now: number, dataLifeMs: number): SessionView {
  const expiresAt = session.readyAt + dataLifeMs;
  let eventStatus: EventStatus;
  if (now < session.readyAt) eventStatus = 'PENDING';
  else if (session.failureCode) eventStatus = 'TIMEOUT';
  else if (now >= expiresAt) eventStatus = 'SESSION_EXPIRED';
  else eventStatus = 'DATA_READY';
  return {
    eventStatus,
    dataExpiry: iso(expiresAt),
    linkRefNumbers: consent.accounts.map((a) => ({
      linkRefNumber: a.linkReferenceNumber,
      fiStatus:
        eventStatus === 'PENDING' ? 'PENDING' : eventStatus === 'TIMEOUT' ? 'TIMEOUT' : (a.undelivered ?? 'DELIVERED'),
      fipId: a.fip.fipId,
      fipName: a.fip.name,
      maskedAccountNumber: a.maskedAccountNumber,
    })),
  };
}

/** Whether getallfidata may read the session's data at `now`. */
export function sessionReadable(session: FiSession, now: number): boolean {
  return session.failureCode === null && now >= session.readyAt;
}
