import { consentListHash, consentSetSignature, baseAfterSync, leastProgress, watermarkOf } from '../state/state-transitions.js';
import { isSyncFinished, orphanChunks } from '../state/sync-progress-transitions.js';
import type { Base, InFlightBatch, SyncProgress } from '../state/stream-state.js';
import type { MessageEmitter } from '../protocol/message-emitter.js';
import { distinctSyncTime, planSync, type SyncPlan } from './batch-planner.js';
import { BatchLauncher } from './batch-launcher.js';
import type { BatchWatch } from './batch-watch.js';
import type { EngineContext } from './engine-context.js';
import { EstimateReporter } from './estimate-reporter.js';
import { PlanPositions } from './plan-positions.js';
import { retryReferenceId } from './reference-id.js';
import { decodeRanges } from '../state/range-set.js';
import { consentsNotIn } from '../state/consent-sketch.js';

/**
 * One read's orchestration: resume the sync found in state (its batches first, then its
 * unscheduled chunks under the same names), then plan a new sync when a stream still needs
 * one, schedule its chunks a few at a time, watch them, retry what may be retried, and fold
 * the outcome into each stream's base. Every step that changes state is followed by a
 * checkpoint, after the records it covers.
 */

/** Batches watched at once: enough to overlap FinPro's processing with our downloads, few enough to stagger load (vendor advice). */
const MAX_ACTIVE_BATCHES = 4;

/** How much earlier than FinPro's measured now a blind plan's base ends (see blindCap). */
const BLIND_CAP_MARGIN_MS = 2_000;

export interface SyncEngineOptions {
  /** Streams synced in full_refresh mode: their planning ignores incoming watermarks. */
  fullRefresh: boolean;
  /** The read's one way out (ESTIMATE here; records and STATE pass the state manager to it). */
  out: MessageEmitter;
}

export class SyncEngine {
  private readonly signature: string;
  /** Order-sensitive: plan positions (failed_at) only mean the same consents under the same order. */
  private readonly listHash: string;
  /** Positions in the plan of the sync being run (none: resumed without it). */
  private positions = new PlanPositions(null);
  /** Builds each batch's watch with the engine's plan positions and its fi_* ESTIMATE. */
  private readonly launcher: BatchLauncher;
  private readonly estimates: EstimateReporter;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: SyncEngineOptions,
  ) {
    this.signature = consentSetSignature(ctx.config.consents);
    this.listHash = consentListHash(ctx.config.consents);
    this.estimates = new EstimateReporter(options.out, (stream) => ctx.state.isSelected(stream), () => {
      const c = ctx.progress.counters;
      return { ...ctx.harvester.totals, settledConsents: c.consentsOk + c.consentsFailed, consentsPlanned: c.consentsPlanned };
    });
    this.launcher = new BatchLauncher(ctx, {
      polling: ctx.config.polling,
      maxConcurrency: ctx.config.max_concurrency,
      state: ctx.state,
      sync: ctx.sync,
      harvester: ctx.harvester,
      progress: ctx.progress,
      now: ctx.now,
      planPositions: (chunk, consentIds) => this.positions.of(chunk, consentIds),
      afterRowsSettled: () => this.estimates.fi(),
    });
  }

  async run(): Promise<void> {
    const { state } = this.ctx;
    const sync = state.resumableSync();
    let resumed = false;
    if (sync !== undefined) {
      this.ctx.sync.resume(sync);
      const base = this.findBase(sync.base_id);
      const plan = base === undefined ? null : this.plan(sync.time, base);
      const usable = plan !== null && this.fingerprint(base ?? null) === sync.fingerprint && plan.chunks.length === sync.chunks ? plan : null;
      if (usable === null) {
        this.ctx.log('WARN', `The consent list or batch settings changed since sync ${sync.time} began: finishing its scheduled batches only; its other consents are planned again.`);
      }
      this.ctx.log('INFO', `Resuming sync ${sync.time}: ${sync.batches.length} batch(es) in flight, ${sync.next_chunk}/${sync.chunks} chunk(s) scheduled.`);
      await this.runSync(usable, base ?? null);
      resumed = true;
    }

    const needsNew = !resumed || state.allStates().some((s) => s.base === null);
    if (!needsNew) return;
    let base: Base | null = this.options.fullRefresh ? null : (leastProgress(state.allStates())?.base ?? null);
    if (base !== null && base.covered !== this.signature) {
      const added = this.addedSince(base);
      if (added === undefined) {
        this.ctx.log('INFO', 'The consent list differs from the one the state covers, by more than the state can tell apart: re-reading the configured range for every consent.');
        base = null;
      } else {
        this.ctx.log('INFO', `The consent list changed since the last sync: ${added.size} new consent(s) read from the configured start; the others keep their watermark.`);
      }
    }
    // Ranges end at the sync time, so it is FinPro's now (see FinproClock), not only ours.
    await this.ctx.client.learnClock();
    this.plannedBlind = !this.ctx.client.clock.known;
    const skewMs = this.ctx.client.clock.skewMs;
    if (Math.abs(skewMs) > 60_000) {
      this.ctx.log('WARN', `FinPro's clock is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine's: ranges end at the earlier of the two.`);
    }
    const earlier = state.allStates().flatMap((s) => (s.base !== null ? [s.base.id] : []));
    const syncTime = distinctSyncTime(this.ctx.client.clock.nowIso(), sync === undefined ? earlier : [...earlier, sync.time]);
    const plan = this.plan(syncTime, base);
    const started: SyncProgress = {
      time: plan.syncTime,
      base_id: base?.id ?? null,
      fingerprint: this.fingerprint(base),
      chunks: plan.chunks.length,
      next_chunk: 0,
      done_chunks: '',
      failed_at: '',
      batches: [],
    };
    const consentsPlanned = plan.chunks.reduce((n, c) => n + c.size, 0);
    this.ctx.log(
      'INFO',
      `Planned sync ${plan.syncTime}: ${consentsPlanned} consent(s) in ${plan.chunks.length} ${plan.chunks[0]?.mode === 'single' ? 'single FI request group' : 'batch'}(es); ${plan.upToDate} already up to date.`,
    );
    this.ctx.progress.update({ consentsPlanned });
    await this.estimates.planned('bulk_batch_rows', consentsPlanned);
    await this.estimates.planned('bulk_batches', plan.chunks.length);
    this.ctx.sync.start(started);
    // Checkpoint the plan before the first schedule call: if we die after FinPro created a batch
    // but before its STATE, the retry must re-plan the same sync time, hence the same reference
    // ids, and adopt the batch on 409 instead of scheduling its consents again under a new name.
    // Durable: `sync` commits in the background, and a plan still in flight there is no plan.
    await state.checkpoint({ durable: true });
    await this.runSync(plan, base);
  }

  private plan(syncTime: string, base: Base | null): SyncPlan {
    const c = this.ctx.config;
    const added = base === null ? undefined : this.addedSince(base);
    return planSync({
      consents: c.consents,
      overrides: c.overrides,
      fiDataRangeFrom: c.fi_data_range_from,
      fiDataRangeTo: c.fi_data_range_to,
      configId: c.config_id,
      batchSize: c.batch_size,
      referencePrefix: c.reference_id_prefix,
      syncTime,
      watermarkOf: (consentId) => (added?.has(consentId) === true ? undefined : watermarkOf(base, consentId)),
    });
  }

  /**
   * The consents of the list that `base` did not cover (its sketch tells them apart), empty
   * when it covered this very list; undefined when it cannot tell (too many changes, or a
   * state from before sketches). Deterministic, so a resumed sync plans exactly as it began.
   */
  private addedSince(base: Base): ReadonlySet<string> | undefined {
    if (base.covered === this.signature) return new Set();
    if (base.sketch === undefined) return undefined;
    const cached = this.addedCache;
    if (cached?.base === base) return cached.added;
    const added = consentsNotIn(base.sketch, this.ctx.config.consents);
    this.addedCache = { base, added };
    return added;
  }

  private addedCache: { base: Base; added: ReadonlySet<string> | undefined } | undefined;

  private fingerprint(base: Base | null): string {
    const c = this.ctx.config;
    return `${this.signature}:${c.batch_size}:${c.reference_id_prefix}:${base?.id ?? '-'}:${this.listHash}`;
  }

  /** The base a sync was planned from: null for "from the configured start", undefined when no selected stream holds it. */
  private findBase(baseId: string | null): Base | null | undefined {
    if (baseId === null) return null;
    for (const s of this.ctx.state.allStates()) if (s.base?.id === baseId) return s.base;
    return undefined;
  }

  private async runSync(plan: SyncPlan | null, base: Base | null): Promise<void> {
    const { ctx } = this;
    this.positions = new PlanPositions(plan);
    const watches: BatchWatch[] = ctx.sync.require().batches.map((entry) => this.launcher.watchFor(entry));
    const pendingChunks: number[] = plan === null ? [] : orphanChunks(ctx.sync.require());
    for (;;) {
      // Keep a few batches running: orphans first, then unscheduled chunks in order.
      while (plan !== null && watches.length < MAX_ACTIVE_BATCHES) {
        let chunkIndex = pendingChunks.shift();
        if (chunkIndex === undefined) {
          const next = ctx.sync.require().next_chunk;
          if (next >= plan.chunks.length) break;
          chunkIndex = next;
        }
        const chunk = plan.chunks[chunkIndex]!;
        watches.push(await this.launcher.schedule(chunkIndex, chunk.referenceId, 0, chunk.consents, null));
      }
      if (watches.length === 0) break;
      let soonest = 0;
      for (let i = 1; i < watches.length; i++) if (watches[i]!.nextPollAt < watches[soonest]!.nextPollAt) soonest = i;
      const watch = watches[soonest]!;
      const waitMs = watch.nextPollAt - ctx.now();
      if (waitMs > 0) await ctx.sleep(waitMs);
      ctx.progress.tick();
      const outcome = await watch.poll();
      await this.estimates.fi();
      if (outcome.kind === 'running') continue;
      watches.splice(soonest, 1);
      const entry = watch.entry;
      if (outcome.kind === 'dropped') {
        ctx.log('WARN', `FinPro no longer knows batch ${entry.ref} (404 BatchNotFound): dropping it; its consents are scheduled again.`);
        ctx.sync.apply({ type: 'batch-dropped', ref: entry.ref });
        await ctx.state.checkpoint();
        if (plan !== null) pendingChunks.push(entry.chunk);
        continue;
      }
      ctx.progress.update({ batchesDone: 1 });
      let next: InFlightBatch | undefined;
      let nextWatch: BatchWatch | undefined;
      if (outcome.retry.length > 0) {
        const attempt = entry.attempt + 1;
        const reference = retryReferenceId(entry.ref.replace(/-r\d+$/, ''), attempt);
        ctx.log('INFO', `Retrying ${outcome.retry.length} failed row(s) of ${entry.ref} as ${reference}.`);
        nextWatch = await this.launcher.schedule(entry.chunk, reference, attempt, outcome.retry, entry.ref, false);
        next = nextWatch.entry;
      }
      ctx.sync.apply({ type: 'batch-finished', ref: entry.ref, failedAt: this.positions.of(entry.chunk, Object.keys(outcome.finalFailures)), next });
      if (!ctx.sync.require().batches.some((b) => b.chunk === entry.chunk)) this.positions.forget(entry.chunk);
      await ctx.state.checkpoint();
      if (nextWatch !== undefined) watches.push(nextWatch);
    }

    const sync = ctx.sync.finish();
    const finished = plan !== null && isSyncFinished(sync);
    ctx.state.completeSync(sync, finished ? this.baseAfter(plan, sync, base) : base);
    await ctx.state.checkpoint();
    ctx.progress.tick(true);
  }

  /** This process planned the sync before any answer told FinPro's clock: its ranges end at ours. */
  private plannedBlind = false;

  /**
   * Where the ranges of a plan made blind really end: rows FinPro refused for ending after its
   * now were retried up to its now, so a base must not claim more than FinPro's now at plan
   * time (FinPro's data of that gap would never be asked for). The offset is known to a second
   * or so (the Date header has whole seconds, each answer measures it anew), hence the margin;
   * ending early only re-reads a little.
   */
  private blindCap(sync: SyncProgress): (iso: string) => string {
    const skewMs = this.ctx.client.clock.skewMs;
    if (!this.plannedBlind || skewMs >= 0) return (iso) => iso;
    const capMs = Date.parse(sync.time) + skewMs - BLIND_CAP_MARGIN_MS;
    return (iso) => (Date.parse(iso) > capMs ? new Date(capMs).toISOString() : iso);
  }

  private baseAfter(plan: SyncPlan, sync: SyncProgress, previous: Base | null): Base | null {
    if (plan.chunks.length === 0) return previous;
    const cap = this.blindCap(sync);
    const plannedTo = new Map<string, string>();
    for (const chunk of plan.chunks) for (const c of chunk.consents) plannedTo.set(c.consentId, cap(c.to));
    const failed: Record<string, string> = { ...sync.failed };
    const byChunk = new Map<number, number[]>();
    for (const position of decodeRanges(sync.failed_at)) {
      const chunk = Math.floor(position / plan.batchSize);
      (byChunk.get(chunk) ?? byChunk.set(chunk, []).get(chunk)!).push(position % plan.batchSize);
    }
    for (const [chunk, indexes] of byChunk) {
      const consents = plan.chunks[chunk]?.consents ?? [];
      for (const i of indexes) if (consents[i] !== undefined) failed[consents[i]!.consentId] = 'failed';
    }
    return baseAfterSync({
      syncTime: sync.time,
      defaultTo: cap(plan.defaultTo),
      covered: this.signature,
      consents: this.ctx.config.consents,
      plannedTo,
      failed,
      previous,
      ...(previous !== null ? { added: this.addedSince(previous) ?? new Set<string>() } : {}),
    });
  }
}
