import { freeContentUuid } from '../util/seeded-hash.js';

/** One FI session: a fetch of one consent's accounts for one range. */
export interface FiSession {
  id: string;
  consentId: string;
  /** Only consents of the population get sessions; unknown ids fail before one is made. */
  consentIndex: number;
  fromMs: number;
  toMs: number;
  /** When the session exists for the client (a bulk row's IN_PROGRESS time). */
  createdAt: number;
  /** When the fetch ends (DATA_READY or TIMEOUT). */
  readyAt: number;
  /** A failing TRANSIENT attempt ends TIMEOUT with this code. */
  failureCode: string | null;
}

/**
 * Sessions live in memory (they are few: one per request, not per transaction). Session ids
 * follow from (seed, the request's content keys), so a restarted sandbox does not reuse the id
 * of an earlier session for a different fetch; a repeat of identical keys gets the next free id.
 */
export class SessionStore {
  private readonly byId = new Map<string, FiSession>();
  private readonly byConsent = new Map<number, FiSession[]>();
  constructor(private readonly seed: number) {}

  create(keys: [number, number, number], fields: Omit<FiSession, 'id'>): FiSession {
    const id = freeContentUuid(this.seed, 0x5e5510, keys, (candidate) => this.byId.has(candidate));
    const session: FiSession = { id, ...fields };
    this.byId.set(session.id, session);
    let list = this.byConsent.get(session.consentIndex);
    if (!list) this.byConsent.set(session.consentIndex, (list = []));
    list.push(session);
    return session;
  }

  get(id: string): FiSession | undefined {
    return this.byId.get(id);
  }

  /** End of the newest range fetched successfully by `now`: where an incremental fetch starts. */
  lastFetchedTo(consentIndex: number, now: number): number | undefined {
    let last: FiSession | undefined;
    for (const s of this.byConsent.get(consentIndex) ?? []) {
      if (s.failureCode === null && s.readyAt <= now && (!last || s.readyAt > last.readyAt)) last = s;
    }
    return last?.toMs;
  }

  /** Sessions of a consent that exist at `now`, oldest first. */
  ofConsent(consentIndex: number, now: number): FiSession[] {
    return (this.byConsent.get(consentIndex) ?? []).filter((s) => s.createdAt <= now);
  }
}
