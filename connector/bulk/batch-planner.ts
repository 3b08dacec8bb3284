import type { ConsentOverride } from '../config.js';
import { chunkReferenceId } from './reference-id.js';

/**
 * The pure plan of one sync: which consents, which range each, in which chunks, under which
 * reference ids. No I/O and no clock: `syncTime` is given, so a resumed sync re-plans the
 * very same chunks and names (a chunk scheduled but not yet checkpointed is then found by
 * its name instead of being scheduled twice).
 */

/** Fewer consents than this use the single FI request API (the vendor's guidance). */
export const BULK_MIN_CONSENTS = 10;
export const DEFAULT_LOOKBACK_MS = 365 * 24 * 60 * 60 * 1000;

export interface PlanInput {
  consents: readonly string[];
  overrides?: readonly ConsentOverride[] | undefined;
  fiDataRangeFrom?: string | undefined;
  fiDataRangeTo?: string | undefined;
  configId?: string | undefined;
  batchSize: number;
  referencePrefix: string;
  /** The sync's "now" (ISO); ranges never end after it. */
  syncTime: string;
  /** Where each consent's data already reaches; undefined: nothing fetched yet. */
  watermarkOf: (consentId: string) => string | undefined;
}

export interface PlannedConsent {
  consentId: string;
  from: string;
  to: string;
  configId?: string | undefined;
}

export interface PlannedChunk {
  index: number;
  referenceId: string;
  mode: 'bulk' | 'single';
  /**
   * Built on each read from the plan's compact form (ids, and ranges only where they differ
   * from the defaults): an object per planned consent held for the whole sync was ~5 MB of
   * live heap at 100,000 consents, and V8 lets the heap grow in proportion to what is live.
   */
  readonly consents: PlannedConsent[];
  /** How many consents `consents` holds, without building them. */
  size: number;
}

export interface SyncPlan {
  syncTime: string;
  /** The range end of consents without an override: the sync-wide watermark once all succeed. */
  defaultTo: string;
  chunks: PlannedChunk[];
  /** Consents per chunk (the last may hold fewer): a consent's plan position is chunk x batchSize + its index. */
  batchSize: number;
  /** Consents whose range is empty (watermark at or after its end): nothing to request. */
  upToDate: number;
}

export function toIso(value: string): string {
  return new Date(value).toISOString();
}

const minIso = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);

/**
 * A new sync's time, never equal to an earlier sync's. FinPro's now comes from a `Date` header
 * of whole seconds (finpro-clock.ts), so two syncs that start within one second of FinPro's
 * clock, the same number of milliseconds after their first answer, read the same instant; the
 * time names the batches, and the second sync would adopt the first one's batch as its own.
 * One millisecond later is still before FinPro's real now: time has passed since the earlier sync.
 */
export function distinctSyncTime(now: string, earlier: readonly string[]): string {
  let ms = Date.parse(now);
  while (earlier.some((time) => Date.parse(time) === ms)) ms++;
  return new Date(ms).toISOString();
}

export function planSync(input: PlanInput): SyncPlan {
  const now = toIso(input.syncTime);
  const defaultTo = input.fiDataRangeTo !== undefined ? minIso(toIso(input.fiDataRangeTo), now) : now;
  const defaultFrom = input.fiDataRangeFrom !== undefined ? toIso(input.fiDataRangeFrom) : new Date(Date.parse(now) - DEFAULT_LOOKBACK_MS).toISOString();
  const overrides = new Map<string, ConsentOverride>();
  for (const override of input.overrides ?? []) overrides.set(override.consent_id, override);

  // Compact: the ids in plan order, and a full entry only for a consent whose range or config differs from the defaults.
  const ids: string[] = [];
  const special = new Map<number, PlannedConsent>();
  const defaultConfigId = input.configId;
  let upToDate = 0;
  const seen = new Set<string>();
  for (const consentId of input.consents) {
    if (seen.has(consentId)) continue;
    seen.add(consentId);
    const override = overrides.get(consentId);
    const to = override?.fi_data_range_to !== undefined ? minIso(toIso(override.fi_data_range_to), now) : defaultTo;
    const watermark = input.watermarkOf(consentId);
    const from = watermark ?? (override?.fi_data_range_from !== undefined ? toIso(override.fi_data_range_from) : defaultFrom);
    if (Date.parse(from) >= Date.parse(to)) {
      upToDate++;
      continue;
    }
    const configId = override?.config_id ?? defaultConfigId;
    if (from !== defaultFrom || to !== defaultTo || configId !== defaultConfigId) {
      special.set(ids.length, { consentId, from, to, ...(configId !== undefined ? { configId } : {}) });
    }
    ids.push(consentId);
  }

  const consentAt = (i: number): PlannedConsent =>
    special.get(i) ?? { consentId: ids[i]!, from: defaultFrom, to: defaultTo, ...(defaultConfigId !== undefined ? { configId: defaultConfigId } : {}) };
  const mode = ids.length < BULK_MIN_CONSENTS ? 'single' : 'bulk';
  const chunks: PlannedChunk[] = [];
  for (let start = 0, index = 0; start < ids.length; start += input.batchSize, index++) {
    const end = Math.min(start + input.batchSize, ids.length);
    chunks.push({
      index,
      referenceId: chunkReferenceId(input.referencePrefix, now, index),
      mode,
      size: end - start,
      get consents() {
        const consents: PlannedConsent[] = [];
        for (let i = start; i < end; i++) consents.push(consentAt(i));
        return consents;
      },
    });
  }
  return { syncTime: now, defaultTo, chunks, batchSize: input.batchSize, upToDate };
}

/** Splits a chunk's consents into the batch defaults and the per-row values that differ from them. */
export function batchDefaults(consents: readonly PlannedConsent[]): { from: string; to: string; configId: string | undefined } {
  // The most common range and config become the defaults, so most rows carry only their id.
  return { from: mostCommon(consents.map((c) => c.from)), to: mostCommon(consents.map((c) => c.to)), configId: mostCommonOptional(consents.map((c) => c.configId)) };
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  let best = values[0] ?? '';
  let bestCount = 0;
  for (const value of values) {
    const n = (counts.get(value) ?? 0) + 1;
    counts.set(value, n);
    if (n > bestCount) {
      best = value;
      bestCount = n;
    }
  }
  return best;
}

function mostCommonOptional(values: readonly (string | undefined)[]): string | undefined {
  const defined = values.filter((v): v is string => v !== undefined);
  return defined.length === 0 ? undefined : mostCommon(defined);
}
