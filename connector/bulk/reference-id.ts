/**
 * Deterministic batch names: `<prefix>-<sync time>-<n>`, retries `-r<k>`. The sync time is
 * kept to the millisecond, and differs from every earlier sync's of the same state
 * (distinctSyncTime); a name another sync holds is refused (lookUpBatch). The name stays within
 * FinPro's 5-60 characters of `[A-Za-z0-9_-]` (prefix <= 30, time 19, index and retry <= 10).
 */
export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9_-]{5,60}$/;

/** `2026-01-23T10:15:00.123Z` -> `20260123T101500123Z`. */
export function compactSyncTime(syncTime: string): string {
  return new Date(syncTime).toISOString().replace(/[-:.]/g, '');
}

export function chunkReferenceId(prefix: string, syncTime: string, chunk: number): string {
  return checked(`${prefix}-${compactSyncTime(syncTime)}-${chunk}`);
}

export function retryReferenceId(chunkReference: string, attempt: number): string {
  return attempt === 0 ? chunkReference : checked(`${chunkReference}-r${attempt}`);
}

function checked(reference: string): string {
  if (!REFERENCE_ID_PATTERN.test(reference)) {
    // The config schema bounds the prefix so this cannot happen; fail loudly if it ever does.
    throw new Error(`reference id ${reference} breaks FinPro's 5-60 [A-Za-z0-9_-] rule`);
  }
  return reference;
}
