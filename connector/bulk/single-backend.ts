import { createHash } from 'node:crypto';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import { FinproTransientError, type FinproClient } from '../finpro/finpro-client.js';
import { fiRequest, fiRequestStatus, fiRequestStatusByConsent } from '../finpro/finpro-endpoints.js';
import type { FiStatusData } from '../finpro/finpro-responses.js';
import { runPool } from '../fetch/worker-pool.js';
import type { InFlightBatch, SingleSession } from '../state/stream-state.js';
import type { LogLevel } from '../protocol/airbyte-message.js';
import { writeOnce } from './ambiguous-write.js';
import type { BatchBackend, BatchSnapshot, BatchView, LookEnd, LookEvent, RowOutcome } from './batch-backend.js';
import { toIso, type PlannedConsent } from './batch-planner.js';
import { decideFailedRow } from './row-retry-policy.js';

/**
 * Fewer than 10 consents go through the single FI request API (`/fi/request`, then
 * `/consent/firequest/status` until DATA_READY, then `/getallfidata`). They look like a
 * small batch to the watch and to the streams: batch id from `singleBatchId`, row id =
 * position + 1, `request_mode: "single"`. Sessions live in state from the moment FinPro names
 * them, so a resumed sync polls them instead of spending the consents' fetch quota again.
 */
export const SINGLE_BATCH_PREFIX = 'single-';

/**
 * The batch id of single FI requests: `single-<chunk>[-r<attempt>]-<digest>`, the digest (64
 * bits of SHA-256) over the consents in row order with their range starts. It names the work,
 * never the clock, so a seeded sandbox gives the same bulk_batches / bulk_batch_rows keys on
 * every run and a sync repeating the same requests reuses them (as the sandbox's own batch and
 * session ids leave the clock out). The range end stays out: unless configured it is the
 * sync's now. Within a sync a chunk has one batch per attempt, so no two batches share an id;
 * state keys batches by reference id, not by this id.
 */
export function singleBatchId(chunk: number, attempt: number, consents: readonly PlannedConsent[]): string {
  const work = JSON.stringify(consents.map((c) => [c.consentId, toIso(c.from)]));
  const digest = createHash('sha256').update(work).digest('hex').slice(0, 16);
  return `${SINGLE_BATCH_PREFIX}${chunk}${attempt === 0 ? '' : `-r${attempt}`}-${digest}`;
}

/** Per-consent answers of `/fi/request`: they fail the row, not the sync. */
const PER_CONSENT_REQUEST_CODES = new Set(['InvalidConsentId', 'ConsentExpired', 'ConsentRevoked', 'ConsentPaused', 'QuotaExceeded', 'InvalidDateRange']);

/** Session events that end a row FAILED, with the retry eligibility each stands for. */
const EVENT_FAILURES: Record<string, string> = {
  TIMEOUT: 'Yes',
  SESSION_FAILED: 'Yes',
  SESSION_EXPIRED: 'Yes',
  DATA_DENIED: 'No',
};

/**
 * The state entry of a single-mode "batch" before any request is sent: one pending session
 * per consent (`s` null, no `e`). The engine checkpoints it first; the backend then sends the
 * requests one by one, saving each session as soon as FinPro gives it (see `requestPending`).
 */
export function plannedSingleBatch(args: { referenceId: string; chunk: number; attempt: number; consents: readonly PlannedConsent[] }): InFlightBatch {
  return {
    ref: args.referenceId,
    batch_id: singleBatchId(args.chunk, args.attempt, args.consents),
    chunk: args.chunk,
    attempt: args.attempt,
    mode: 'single',
    submission: null,
    done: '',
    sessions: args.consents.map((consent) => ({ c: consent.consentId, s: null, f: consent.from, t: consent.to })),
  };
}

export interface SingleBackendDeps {
  client: FinproClient;
  maxConcurrency: number;
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
  log: (level: LogLevel, message: string) => void;
  warnOnce: (key: string, message: string) => void;
  /** Learns FinPro's dataExpiry of each session that has its data ready (the FI record outlet). */
  noteSessionExpiry: (sessionId: string, dataExpiry: string | null | undefined) => void;
}

export class SingleBackend implements BatchBackend {
  readonly mode = 'single';
  private announced = false;

  constructor(private readonly deps: SingleBackendDeps) {}

  async *look(view: BatchView): AsyncGenerator<LookEvent, LookEnd, void> {
    const sessions = (view.entry.sessions ?? []).map((s) => ({ ...s }));
    await this.requestPending(view, sessions);
    if (!this.announced) {
      yield { kind: 'batch', snapshot: snapshotOf('IN_PROGRESS', sessions, view.done) };
      this.announced = true;
    }
    const ended: RowOutcome[] = [];
    const nowIso = this.deps.client.clock.nowIso();
    // Sessions are independent: look at them side by side (a 429's Retry-After then costs one wait for all of them, not one each).
    const open = sessions.map((_, i) => i).filter((i) => !view.done.has(i + 1));
    await runPool(open, this.deps.maxConcurrency, async (i) => {
      const outcome = await this.outcomeOf(view, sessions, i, nowIso);
      if (outcome !== undefined) ended.push(outcome);
    });
    if (ended.length > 0) yield { kind: 'rows', rows: ended, sessions };
    if (view.done.size < sessions.length) return { kind: 'running', progressed: ended.length > 0, status: 'IN_PROGRESS' };
    yield { kind: 'batch', snapshot: snapshotOf('COMPLETED', sessions, view.done) };
    const retry: PlannedConsent[] = [];
    const finalFailures: Record<string, string> = {};
    for (const s of sessions) {
      if (s.rf !== undefined && s.rt !== undefined) retry.push({ consentId: s.c, from: s.rf, to: s.rt });
      else if (s.e !== undefined) finalFailures[s.c] = s.e;
    }
    return { kind: 'ended', retry, finalFailures };
  }

  /** The row of session `i` if it ended (its session's `e`, `rf`, `rt` set on the way), else undefined. */
  private async outcomeOf(view: BatchView, sessions: SingleSession[], i: number, nowIso: string): Promise<RowOutcome | undefined> {
    const session = sessions[i]!;
    const row = (status: string, retryEligible: string | null, isFinal: boolean, failedNow: boolean): RowOutcome => ({
      id: i + 1,
      recordId: i + 1,
      consentId: session.c,
      status,
      sessionId: session.s,
      retryEligible,
      errorCode: session.e ?? null,
      errorMessage: session.e ?? null,
      from: session.f,
      to: session.t,
      configId: null,
      isFinal,
      failedNow,
      updatedAt: null,
    });
    if (session.s === null) {
      // The request itself failed (its `e` and any corrected range were saved with it).
      const final = session.rf === undefined;
      return row('FAILED', final ? 'No' : 'YesWithModifications', final, final);
    }
    const status = await this.statusOf(view, session, sessions);
    if (status === undefined) return undefined; // adopted the consent's real session: look at it next time
    const event = status.eventStatus;
    if (event === 'DATA_READY') {
      this.deps.noteSessionExpiry(session.s, status.dataExpiry);
      return { ...row('COMPLETED', null, true, false), harvest: { sessionId: session.s, from: session.f, to: session.t } };
    }
    const eligibility = EVENT_FAILURES[event];
    if (eligibility !== undefined) {
      session.e = event;
      const decision = decideFailedRow({ eligibility, code: event, message: null, from: session.f, to: session.t, attempt: view.entry.attempt }, this.deps.maxRetries, nowIso);
      if (decision.kind === 'retry') {
        session.rf = decision.from;
        session.rt = decision.to;
      }
      return row('FAILED', eligibility, decision.kind === 'final', decision.kind === 'final');
    }
    if (event !== 'PENDING') this.deps.warnOnce(`eventStatus:${event}`, `Unknown FI session eventStatus "${event}" (kept as sent; still waiting).`);
    return undefined;
  }

  /**
   * Sends the FI request of every pending session, spending each consent's fetch quota at
   * most once: the consent's newest session is noted (and saved) before the request, the new
   * session is saved as soon as it is known, and a request whose answer was lost, or that a
   * stopped run may have sent, is looked up by consent before it is sent again (a session
   * newer than the one noted is ours).
   */
  private async requestPending(view: BatchView, sessions: SingleSession[]): Promise<void> {
    const pending = sessions.filter((session) => session.s === null && session.e === undefined);
    await runPool(pending, this.deps.maxConcurrency, async (session) => {
      if (session.p === undefined) {
        session.p = await this.newestSession(session.c);
        await view.saveSessions(sessions);
      } else {
        const newest = await this.newestSession(session.c);
        if (newest !== null && newest !== session.p) {
          this.deps.log('INFO', `FI request for consent ${session.c} had reached FinPro before the previous run stopped: adopting session ${newest}.`);
          session.s = newest;
          await view.saveSessions(sessions);
          return;
        }
      }
      await this.send(view, session);
      await view.saveSessions(sessions);
    });
  }

  private async send(view: BatchView, session: SingleSession): Promise<void> {
    const { client } = this.deps;
    try {
      const { value } = await writeOnce(
        {
          what: `FI request for consent ${session.c}`,
          write: () => fiRequest(client, { consentId: session.c, fiDataRangeFrom: session.f, fiDataRangeTo: session.t }, { retry: false }),
          mayHaveTakenEffect: (error) => error instanceof FinproTransientError,
          lookUp: async () => {
            const newest = await this.newestSession(session.c);
            return newest !== null && newest !== session.p ? newest : undefined;
          },
        },
        this.deps.sleep,
      );
      session.s = value;
    } catch (error) {
      if (!(error instanceof FinproApiError) || error.errorCode === undefined || !PER_CONSENT_REQUEST_CODES.has(error.errorCode)) throw error;
      this.failRequest(view, session, error);
    }
  }

  private failRequest(view: BatchView, session: SingleSession, error: FinproApiError): void {
    session.e = error.errorCode!;
    const decision = decideFailedRow(
      {
        eligibility: error.errorCode === 'InvalidDateRange' ? 'YesWithModifications' : 'No',
        code: error.errorCode,
        message: error.errorMsg,
        details: error.details,
        from: session.f,
        to: session.t,
        attempt: view.entry.attempt,
      },
      this.deps.maxRetries,
      this.deps.client.clock.nowIso(),
    );
    if (decision.kind === 'retry') {
      session.rf = decision.from;
      session.rt = decision.to;
    }
  }

  /**
   * The status of a saved session. A server that answered /fi/request with an id it never
   * issued (well-formed, so it passed the door) then calls that id unknown on every poll, and
   * the state would never recover: when FinPro says a session we hold is unknown (a 4xx), the
   * consent's newest session is looked up, and one that is neither ours nor the one noted
   * before our request is the session our request made. It is adopted (undefined: look again).
   */
  private async statusOf(view: BatchView, session: SingleSession, sessions: SingleSession[]): Promise<FiStatusData | undefined> {
    try {
      return await fiRequestStatus(this.deps.client, session.s!);
    } catch (error) {
      if (!(error instanceof FinproApiError) || error.status >= 500) throw error;
      const newest = await this.newestSession(session.c);
      if (newest === null || newest === session.s || newest === session.p) throw error;
      this.deps.log('WARN', `FinPro does not know session ${session.s} of consent ${session.c} (${error.errorCode ?? `HTTP ${error.status}`}): adopting the consent's newest session ${newest}.`);
      session.s = newest;
      await view.saveSessions(sessions);
      return undefined;
    }
  }

  /** The consent's newest session id, or null when FinPro knows none (a 4xx such as "has no FI request"). */
  private async newestSession(consentId: string): Promise<string | null> {
    try {
      return (await fiRequestStatusByConsent(this.deps.client, consentId)).sessionId ?? null;
    } catch (error) {
      if (error instanceof FinproApiError && error.status < 500) return null;
      throw error;
    }
  }
}

function snapshotOf(status: string, sessions: readonly SingleSession[], done: ReadonlySet<number>): BatchSnapshot {
  const failed = sessions.filter((s, i) => done.has(i + 1) && s.e !== undefined).length;
  const completed = sessions.filter((s, i) => done.has(i + 1) && s.e === undefined).length;
  return {
    status,
    total: sessions.length,
    ready: 0,
    inProgress: sessions.length - completed - failed,
    completed,
    failed,
    progressPercentage: sessions.length === 0 ? 100 : Math.round(((completed + failed) * 100) / sessions.length),
    fileName: null,
    submittedAt: null,
    globalConfig: null,
    updatedAt: null,
  };
}
