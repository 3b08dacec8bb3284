import { TransientError } from '../errors/connector-errors.js';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import { runPool } from '../fetch/worker-pool.js';
import { FinproTransientError } from '../finpro/finpro-client.js';
import { fiRequest, fiRequestStatus, fiRequestStatusByConsent } from '../finpro/finpro-endpoints.js';
import { backoffDelayMs } from '../finpro/retry-backoff.js';
import type { InFlightBatch, SingleSession } from '../state/read-state.js';
import { decodeRanges, encodeRanges } from '../state/range-set.js';
import { bulkBatchRecord } from '../streams/bulk-batches-stream.js';
import { bulkBatchRowRecord } from '../streams/bulk-batch-rows-stream.js';
import type { PlannedConsent } from './batch-planner.js';
import { emitIfWanted, type BatchWatch, type EngineContext, type WatchOutcome } from './engine-context.js';
import { nextPollIntervalMs } from './poll-backoff.js';
import { decideFailedRow } from './retry-policy.js';

/**
 * Fewer than 10 consents go through the single FI request API (`/fi/request`, then
 * `/consent/firequest/status` until DATA_READY, then `/getallfidata`). They look like a
 * small batch to the rest of the engine and to the streams: batch id `single-<reference>`,
 * row id = position + 1, `request_mode: "single"`. Sessions live in state from the moment
 * FinPro names them, so a resumed sync polls them instead of spending the consents' fetch
 * quota again.
 */
export const SINGLE_BATCH_PREFIX = 'single-';

/** Per-consent answers of `/fi/request`: they fail the row, not the sync. */
const PER_CONSENT_REQUEST_CODES = new Set(['InvalidConsentId', 'ConsentExpired', 'ConsentRevoked', 'ConsentPaused', 'QuotaExceeded', 'InvalidDateRange']);

const EVENT_FAILURES: Record<string, { eligibility: string }> = {
  TIMEOUT: { eligibility: 'Yes' },
  SESSION_FAILED: { eligibility: 'Yes' },
  SESSION_EXPIRED: { eligibility: 'Yes' },
  DATA_DENIED: { eligibility: 'No' },
};

/**
 * The state entry of a single-mode "batch" before any request is sent: one pending session
 * per consent (`s` null, no `e`). The engine checkpoints it first; the watch then sends the
 * requests one by one, checkpointing each session as soon as FinPro gives it (see `requestPending`).
 */
export function plannedSingleBatch(args: { referenceId: string; chunk: number; attempt: number; consents: readonly PlannedConsent[] }): InFlightBatch {
  return {
    ref: args.referenceId,
    batch_id: SINGLE_BATCH_PREFIX + args.referenceId,
    chunk: args.chunk,
    attempt: args.attempt,
    mode: 'single',
    submission: null,
    done: '',
    sessions: args.consents.map((consent) => ({ c: consent.consentId, s: null, f: consent.from, t: consent.to })),
  };
}

/** Attempts at `/fi/request` for one consent when the answer is lost (each after a look-up found no new session). */
const MAX_REQUEST_ATTEMPTS = 6;

export class SingleRequestWatch implements BatchWatch {
  nextPollAt = 0;
  private intervalMs: number;
  private readonly done: Set<number>;
  private readonly watchStartedMs: number;
  private announced = false;

  constructor(
    private readonly ctx: EngineContext,
    public entry: InFlightBatch,
    private readonly parentReferenceId: string | null,
  ) {
    this.done = decodeRanges(entry.done);
    this.intervalMs = ctx.config.polling.initial_interval_seconds * 1000;
    this.watchStartedMs = ctx.now();
  }

  async poll(): Promise<WatchOutcome> {
    const { ctx } = this;
    const sessions = (this.entry.sessions ?? []).map((s) => ({ ...s }));
    await this.requestPending(sessions);
    if (!this.announced) {
      await this.emitBatch('IN_PROGRESS', sessions);
      this.announced = true;
    }
    const settled: number[] = [];
    const failedNow: Record<string, string> = {};
    let completedNow = 0;
    let failedCount = 0;
    // FinPro's now: a corrected range must not end after it, whatever our clock says.
    const nowIso = new Date(ctx.client.clock.now()).toISOString();
    // Sessions are independent: poll and harvest them side by side (a 429's Retry-After then costs one wait for all of them, not one each).
    const open = sessions.map((_, i) => i).filter((i) => !this.done.has(i + 1));
    await runPool(open, ctx.config.max_concurrency, async (i) => {
      const rowId = i + 1;
      const session = sessions[i]!;
      if (session.s === null) {
        await this.emitRow(session, rowId, 'FAILED', session.rf !== undefined ? 'YesWithModifications' : 'No', session.rf === undefined);
        settled.push(rowId);
        failedCount++;
        if (session.rf === undefined) failedNow[session.c] = session.e ?? 'Unknown';
        return;
      }
      const status = await this.statusOf(session, sessions);
      if (status === undefined) return; // adopted the consent's real session: poll it next time
      const event = status.eventStatus;
      if (event === 'DATA_READY') {
        ctx.fiRecords.noteSessionExpiry(session.s, status.dataExpiry);
        const result = ctx.harvester.wanted ? await ctx.harvester.harvest({ consentId: session.c, sessionId: session.s, from: session.f, to: session.t }) : ({ ok: true } as const);
        if (result.ok) {
          completedNow++;
          await this.emitRow(session, rowId, 'COMPLETED', null, true);
        } else {
          session.e = result.code;
          failedNow[session.c] = result.code;
          failedCount++;
          await this.emitRow(session, rowId, 'COMPLETED', null, true, result.message);
        }
        settled.push(rowId);
      } else if (event in EVENT_FAILURES) {
        const eligibility = EVENT_FAILURES[event]!.eligibility;
        session.e = event;
        const decision = decideFailedRow({ eligibility, code: event, message: null, from: session.f, to: session.t, attempt: this.entry.attempt }, ctx.config.max_retries, nowIso);
        if (decision.kind === 'retry') {
          session.rf = decision.from;
          session.rt = decision.to;
        } else failedNow[session.c] = event;
        failedCount++;
        await this.emitRow(session, rowId, 'FAILED', eligibility, decision.kind === 'final');
        settled.push(rowId);
      } else if (event !== 'PENDING') {
        ctx.warnOnce(`eventStatus:${event}`, `Unknown FI session eventStatus "${event}" (kept as sent; still waiting).`);
      }
    });
    for (const id of settled) this.done.add(id);
    if (settled.length > 0) {
      this.entry = { ...this.entry, sessions, done: encodeRanges(this.done) };
      ctx.sync.apply({ type: 'batch-updated', batch: this.entry });
      const failedIds = Object.keys(failedNow);
      if (failedIds.length > 0) ctx.sync.apply({ type: 'rows-settled', ref: this.entry.ref, rows: [], failedAt: ctx.planPositions?.(this.entry.chunk, failedIds) ?? [] });
      await ctx.state.checkpoint();
      ctx.progress.update({ rowsCompleted: completedNow, rowsFailed: failedCount });
      await ctx.onRowsSettled?.();
    }
    if (this.done.size >= sessions.length) {
      await this.emitBatch('COMPLETED', sessions);
      const retry: PlannedConsent[] = [];
      const finalFailures: Record<string, string> = {};
      for (const s of sessions) {
        if (s.rf !== undefined && s.rt !== undefined) retry.push({ consentId: s.c, from: s.rf, to: s.rt });
        else if (s.e !== undefined) finalFailures[s.c] = s.e;
      }
      return { kind: 'finished', retry, finalFailures };
    }
    if (ctx.now() - this.watchStartedMs > ctx.config.polling.max_wait_minutes * 60_000) {
      throw new TransientError(`FI requests ${this.entry.ref} are still pending after ${ctx.config.polling.max_wait_minutes} minutes (max_wait_minutes); the next sync resumes them.`);
    }
    this.intervalMs = nextPollIntervalMs(this.intervalMs, settled.length > 0, ctx.config.polling.initial_interval_seconds * 1000, ctx.config.polling.max_interval_seconds * 1000);
    this.nextPollAt = ctx.now() + this.intervalMs;
    return { kind: 'running' };
  }

  /**
   * Sends the FI request of every pending session, spending each consent's fetch quota at
   * most once: the consent's newest session is noted (and checkpointed) before the request,
   * the new session is checkpointed as soon as it is known, and a request whose answer was
   * lost, or that a stopped run may have sent, is looked up by consent before it is sent
   * again (a session newer than the one noted is ours).
   */
  private async requestPending(sessions: SingleSession[]): Promise<void> {
    const pending = sessions.filter((session) => session.s === null && session.e === undefined);
    await runPool(pending, this.ctx.config.max_concurrency, async (session) => {
      if (session.p === undefined) {
        session.p = await this.newestSession(session.c);
        await this.save(sessions);
      } else {
        const newest = await this.newestSession(session.c);
        if (newest !== null && newest !== session.p) {
          this.ctx.log('INFO', `FI request for consent ${session.c} had reached FinPro before the previous run stopped: adopting session ${newest}.`);
          session.s = newest;
          await this.save(sessions);
          return;
        }
      }
      await this.send(session);
      await this.save(sessions);
    });
  }

  private async send(session: SingleSession): Promise<void> {
    const { ctx } = this;
    for (let attempt = 0; ; attempt++) {
      try {
        session.s = await fiRequest(ctx.client, { consentId: session.c, fiDataRangeFrom: session.f, fiDataRangeTo: session.t }, { retry: false });
        return;
      } catch (error) {
        if (error instanceof FinproApiError && error.errorCode !== undefined && PER_CONSENT_REQUEST_CODES.has(error.errorCode)) {
          this.failRequest(session, error);
          return;
        }
        if (!(error instanceof FinproTransientError)) throw error;
        // The request may have taken effect before its answer was lost: look before asking again.
        const newest = await this.newestSession(session.c);
        if (newest !== null && newest !== session.p) {
          session.s = newest;
          return;
        }
        if (attempt + 1 >= MAX_REQUEST_ATTEMPTS) {
          throw new TransientError(`FI request for consent ${session.c} failed ${MAX_REQUEST_ATTEMPTS} times (${error.reason}); the next sync looks it up before asking again.`);
        }
        await ctx.sleep(backoffDelayMs(attempt, 500, 15_000));
      }
    }
  }

  private failRequest(session: SingleSession, error: FinproApiError): void {
    session.e = error.errorCode!;
    const decision = decideFailedRow(
      {
        eligibility: error.errorCode === 'InvalidDateRange' ? 'YesWithModifications' : 'No',
        code: error.errorCode,
        message: error.errorMsg,
        details: error.details,
        from: session.f,
        to: session.t,
        attempt: this.entry.attempt,
      },
      this.ctx.config.max_retries,
      new Date(this.ctx.client.clock.now()).toISOString(),
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
   * before our request is the session our request made. It is adopted (undefined: poll again).
   */
  private async statusOf(session: SingleSession, sessions: SingleSession[]): Promise<Awaited<ReturnType<typeof fiRequestStatus>> | undefined> {
    try {
      return await fiRequestStatus(this.ctx.client, session.s!);
    } catch (error) {
      if (!(error instanceof FinproApiError) || error.status >= 500) throw error;
      const newest = await this.newestSession(session.c);
      if (newest === null || newest === session.s || newest === session.p) throw error;
      this.ctx.log('WARN', `FinPro does not know session ${session.s} of consent ${session.c} (${error.errorCode ?? `HTTP ${error.status}`}): adopting the consent's newest session ${newest}.`);
      session.s = newest;
      await this.save(sessions);
      return undefined;
    }
  }

  /** The consent's newest session id, or null when FinPro knows none (a 4xx such as "has no FI request"). */
  private async newestSession(consentId: string): Promise<string | null> {
    try {
      return (await fiRequestStatusByConsent(this.ctx.client, consentId)).sessionId ?? null;
    } catch (error) {
      if (error instanceof FinproApiError && error.status < 500) return null;
      throw error;
    }
  }

  private saving: Promise<void> = Promise.resolve();

  /**
   * Puts the sessions into state and checkpoints (no record is pending: the sessions alone
   * changed). Saves are chained: requests run side by side, checkpoints never interleave.
   */
  private save(sessions: SingleSession[]): Promise<void> {
    this.saving = this.saving.then(async () => {
      this.entry = { ...this.entry, sessions: sessions.map((s) => ({ ...s })) };
      this.ctx.sync.apply({ type: 'batch-updated', batch: this.entry });
      // Durable: the next step may be a /fi/request, which spends quota if repeated.
      await this.ctx.state.checkpoint({ durable: true });
    });
    return this.saving;
  }

  private async emitBatch(status: string, sessions: SingleSession[]): Promise<void> {
    const failed = sessions.filter((s, i) => this.done.has(i + 1) && s.e !== undefined).length;
    const completed = sessions.filter((s, i) => this.done.has(i + 1) && s.e === undefined).length;
    const now = new Date(this.ctx.now()).toISOString();
    await emitIfWanted(
      this.ctx,
      'bulk_batches',
      bulkBatchRecord({
        batchId: this.entry.batch_id,
        referenceId: this.entry.ref,
        requestMode: 'single',
        submissionMode: null,
        status,
        total: sessions.length,
        ready: 0,
        inProgress: sessions.length - completed - failed,
        completed,
        failed,
        progressPercentage: sessions.length === 0 ? 100 : Math.round(((completed + failed) * 100) / sessions.length),
        fileName: null,
        submittedAt: null,
        parentReferenceId: this.parentReferenceId,
        retryAttempt: this.entry.attempt,
        globalConfig: null,
        updatedAt: now,
      }),
      now,
    );
  }

  private async emitRow(session: SingleSession, rowId: number, status: string, eligibility: string | null, isFinal: boolean, harvestError?: string): Promise<void> {
    const now = new Date(this.ctx.now()).toISOString();
    await emitIfWanted(
      this.ctx,
      'bulk_batch_rows',
      bulkBatchRowRecord({
        batchId: this.entry.batch_id,
        referenceId: this.entry.ref,
        consentId: session.c,
        rowId,
        requestMode: 'single',
        status,
        retryEligible: eligibility,
        sessionId: session.s,
        errorCode: session.e ?? null,
        errorMessage: harvestError ?? session.e ?? null,
        from: session.f,
        to: session.t,
        configId: null,
        retryAttempt: this.entry.attempt,
        isFinal,
        updatedAt: now,
      }),
      now,
    );
  }
}
