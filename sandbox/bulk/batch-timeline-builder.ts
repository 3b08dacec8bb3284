import type { Batch, BatchRow, GlobalConfig } from './batch-model.js';
import { eligibilityOf } from '../population/consent-scenario.js';
import { transientMessage } from '../fi/fi-request-service.js';
import type { SandboxContext } from '../sandbox-context.js';
import { freeContentUuid, hash32, stringKey, stringKeyAlt, unit } from '../util/seeded-hash.js';
import { iso } from '../util/time-format.js';

export interface RowInput {
  consentId: string;
  fromMs: number | undefined;
  toMs: number | undefined;
  configId: string | null;
}

/** Time before the first row is picked up, and a session's fetch time range, at speed 1. */
const PICKUP_MS = 500;
const FETCH_MIN_MS = 1000;
const FETCH_SPREAD_MS = 2000;

/**
 * Creates a batch and fixes every row's future: its outcome (by the same rules as a single
 * FI request), when it starts (rows are picked up at `rowsPerSecond * speed`, with jitter)
 * and when it ends. Sessions are created now with `createdAt` = the row's start, so they
 * appear exactly when the row turns IN_PROGRESS.
 */
export function scheduleBatch(
  ctx: SandboxContext,
  args: { referenceId: string; inputs: RowInput[]; globalConfig: GlobalConfig; fileName: string | null },
): Batch {
  const now = ctx.now();
  const serial = ctx.batches.nextSerial();
  const seed = ctx.options.seed;
  const interval = ctx.scaled(1000 / ctx.options.rowsPerSecond);
  const firstStart = now + ctx.scaled(PICKUP_MS);
  const rows: BatchRow[] = args.inputs.map((input, k) => {
    const startAt = Math.round(firstStart + (k + unit(seed, 0x57a7, serial, k)) * interval);
    const decision = ctx.fiRequests.decide(input.consentId, input.fromMs, input.toMs, now);
    const base = {
      id: k + 1,
      consentId: input.consentId,
      configId: input.configId,
      startAt,
    };
    if (!decision.ok) {
      // The effective range when the consent is known; what was asked otherwise.
      const from = decision.fromMs ?? input.fromMs;
      const to = decision.toMs ?? input.toMs;
      ctx.stats.fiRequest(input.consentId, {
        source: 'bulk',
        reference_id: args.referenceId,
        fiDataRangeFrom: from === undefined ? null : iso(from),
        fiDataRangeTo: to === undefined ? null : iso(to),
        session_id: null,
        outcome: decision.code,
      });
      return {
        ...base,
        consentIndex: ctx.population.indexOf(input.consentId),
        fiDataRangeFrom: from === undefined ? null : iso(from),
        fiDataRangeTo: to === undefined ? null : iso(to),
        endAt: startAt,
        sessionId: null,
        toMs: input.toMs ?? now,
        error: { code: decision.code, message: decision.message, ...(decision.details ? { details: decision.details } : {}) },
        eligibility: eligibilityOf(decision.code),
      };
    }
    const endAt = Math.round(startAt + ctx.scaled(FETCH_MIN_MS + unit(seed, 0xe4d, serial, k) * FETCH_SPREAD_MS));
    const session = ctx.sessions.create([decision.consent.index, hash32(seed, decision.fromMs), BULK_SESSION], {
      consentId: decision.consent.id,
      consentIndex: decision.consent.index,
      fromMs: decision.fromMs,
      toMs: decision.toMs,
      createdAt: startAt,
      readyAt: endAt,
      failureCode: decision.transientFailure,
    });
    ctx.stats.sessionCreated();
    ctx.stats.fiRequest(input.consentId, {
      source: 'bulk',
      reference_id: args.referenceId,
      fiDataRangeFrom: iso(decision.fromMs),
      fiDataRangeTo: iso(decision.toMs),
      session_id: session.id,
      outcome: decision.transientFailure ?? 'COMPLETED',
    });
    const failure = decision.transientFailure;
    return {
      ...base,
      consentIndex: decision.consent.index,
      fiDataRangeFrom: iso(decision.fromMs),
      fiDataRangeTo: iso(decision.toMs),
      endAt,
      sessionId: session.id,
      toMs: decision.toMs,
      error: failure ? { code: failure, message: transientMessage(failure) } : null,
      eligibility: failure ? 'Yes' : null,
    };
  });
  const batch: Batch = {
    id: freeBatchId(ctx, requestKey(args.inputs)),
    referenceId: args.referenceId,
    submittedAt: now,
    fileName: args.fileName,
    globalConfig: args.globalConfig,
    rows,
    failure: null,
  };
  ctx.batches.add(batch);
  ctx.stats.batchCreated(args.referenceId);
  return batch;
}

/** Marks a bulk row's session keys apart from a single FI request's (which use 0). */
const BULK_SESSION = 1;

/**
 * Batch and session ids follow from the seed and what was asked (consents, range starts,
 * configs), not from creation order, the clock or the reference id (which carries the
 * client's sync time): so a fresh sandbox of one seed gives one request the same ids every
 * time, and acceptance tests can find records by primary key. The range's end is left out
 * because a client asks "up to now", which moves with the clock. A repeat of the same
 * request in one sandbox gets the next free id, as a new batch must.
 */
function requestKey(inputs: RowInput[]): string {
  return inputs.map((row) => `${row.consentId}|${row.fromMs ?? ''}|${row.configId ?? ''}`).join('\n');
}

function freeBatchId(ctx: SandboxContext, key: string): string {
  return freeContentUuid(ctx.options.seed, 0xba7c4, [stringKey(key), stringKeyAlt(key), 0], (id) => ctx.batches.byBatchId(id) !== undefined);
}

/** A batch the upload could not parse: it exists (so the reference is taken) but FAILED. */
export function failedBatch(
  ctx: SandboxContext,
  args: { referenceId: string; globalConfig: GlobalConfig; fileName: string | null; code: string; message: string },
): Batch {
  const batch: Batch = {
    id: freeBatchId(ctx, `failed|${args.referenceId}`),
    referenceId: args.referenceId,
    submittedAt: ctx.now(),
    fileName: args.fileName,
    globalConfig: args.globalConfig,
    rows: [],
    failure: { code: args.code, message: args.message },
  };
  ctx.batches.add(batch);
  ctx.stats.batchCreated(args.referenceId);
  return batch;
}
