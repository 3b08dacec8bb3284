import { z } from 'zod';
import { isConsentSketch } from './consent-sketch.js';
import { RANGES_PATTERN } from './range-set.js';

/**
 * The state of one stream, as it travels in its STATE message: its own `cursor`, the `base`
 * it has fully read, and a copy of the sync in flight (one batch feeds all five streams; the
 * engine keeps the one SyncProgress, sync-progress-keeper.ts, and each checkpoint copies it). It stays compact: `base` is one sync-wide watermark plus the
 * consents that lag behind it (failed ones) or run ahead of it; `sync` holds only what is in
 * flight, with harvested rows as ranges of row ids.
 *
 * ```json
 * { "v": 1, "cursor": "2026-01-23T10:20:00.000Z", "cursor_field": ["updated_at"], "seq": 14,
 *   "base": { "id": "2026-01-22T10:00:00.000Z", "watermark": "2026-01-22T10:00:00.000Z",
 *             "exceptions": { "c-17": null, "c-42": "2025-11-01T00:00:00.000Z" }, "covered": "2500:9f3a01c2" },
 *   "sync": { "time": "2026-01-23T10:15:00.000Z", "base_id": "2026-01-22T10:00:00.000Z", "fingerprint": "2500:9f3a01c2:1000:finpro",
 *             "chunks": 3, "next_chunk": 2, "done_chunks": "0", "failed_at": "1017",
 *             "batches": [ { "ref": "finpro-20260123T101500000Z-1", "batch_id": "b-9", "chunk": 1, "attempt": 0,
 *                            "mode": "bulk", "submission": "json", "done": "1-640,655" } ] } }
 * ```
 */
const isoInstant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date-time');
const ranges = z.string().regex(RANGES_PATTERN, 'must be ranges of row numbers like "1-500,502"');

export const SingleSession = z.object({
  /** consent id */
  c: z.string().min(1),
  /** session id; null when the FI request failed (`e` set) or is not confirmed yet (no `e`) */
  s: z.string().nullable(),
  /**
   * The consent's newest session before our request (null: it had none), recorded before the
   * request is sent. A request not confirmed when the run stopped is looked up by consent
   * first: a newer session than this one is ours, and no quota is spent twice.
   */
  p: z.string().nullable().optional(),
  f: isoInstant,
  t: isoInstant,
  /** Error code once the request or its session failed. */
  e: z.string().optional(),
  /** The range to retry with, when the failure may be retried. */
  rf: isoInstant.optional(),
  rt: isoInstant.optional(),
});
export type SingleSession = z.infer<typeof SingleSession>;

export const InFlightBatch = z.object({
  ref: z.string().min(1),
  batch_id: z.string().min(1),
  chunk: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  mode: z.enum(['bulk', 'single']),
  submission: z.enum(['json', 'file']).nullable(),
  /** Row ids already harvested (COMPLETED, data emitted) or settled (FAILED, row emitted). */
  done: ranges,
  /** Single FI requests: one entry per consent, row id = index + 1. */
  sessions: z.array(SingleSession).optional(),
});
export type InFlightBatch = z.infer<typeof InFlightBatch>;

export const SyncProgress = z.object({
  time: isoInstant,
  base_id: z.string().nullable(),
  fingerprint: z.string(),
  chunks: z.number().int().nonnegative(),
  /** Chunks below this index have been scheduled. */
  next_chunk: z.number().int().nonnegative(),
  done_chunks: ranges,
  /**
   * Consents that got no data (final failures): they keep their old watermark. Positions in
   * the sync's plan (chunk x batch_size + index in the chunk), not ids: every STATE carries
   * them, and 10,000 failed ids at 100,000 consents made each STATE ~850 KB and a read write
   * gigabytes of state. Meaningful only with the plan its fingerprint names.
   */
  failed_at: ranges.default(''),
  /** The same by consent id, as states written before `failed_at` hold them: read, never written. */
  failed: z.record(z.string(), z.string()).optional(),
  batches: z.array(InFlightBatch),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

export const Base = z.object({
  /** The sync time of the sync that produced this base. */
  id: z.string(),
  watermark: isoInstant,
  /** Consents whose data reaches elsewhere than `watermark` (null: nothing fetched yet). */
  exceptions: z.record(z.string(), isoInstant.nullable()),
  /** `<count>:<hash>` of the consent set this base covers. */
  covered: z.string(),
  /**
   * That set as a consent-sketch.ts table: a later list's new consents are found in it and
   * read from the configured start, while the others keep their watermark. Absent in states
   * written before it existed: a changed list then re-reads every consent once.
   */
  sketch: z.string().refine(isConsentSketch, 'must be a consent sketch "<cells>:<base64>"').optional(),
});
export type Base = z.infer<typeof Base>;

export const StreamState = z.object({
  v: z.literal(1),
  cursor: isoInstant.nullable(),
  /**
   * The stream's cursor field, written beside `cursor` on every STATE: Airbyte's acceptance tests
   * (CAT 3.9, test_state_with_abnormally_large_values) find a state's cursor value under a key
   * named like the cursor field, or under `cursor` when its object also has `cursor_field`
   * (the convention of Airbyte's database sources); without it they find none and fail. Read
   * back for nothing: the stream's definition says its cursor field.
   */
  cursor_field: z.array(z.string()).optional(),
  seq: z.number().int().nonnegative(),
  base: Base.nullable(),
  sync: SyncProgress.optional(),
});
export type StreamState = z.infer<typeof StreamState>;
