export const DAY_MS = 86_400_000;

/** Days since the Unix epoch (UTC) of a millisecond timestamp. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Parses an ISO-8601 date or date-time. Returns undefined for anything else, so callers can
 * answer InvalidRequest naming the field. A bare date means midnight UTC.
 */
export function parseIsoInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    return undefined;
  }
  // No zone given: read it as UTC (the vendor speaks UTC), never as the host's local time.
  const zoned = value.length === 10 ? `${value}T00:00:00Z` : /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}
