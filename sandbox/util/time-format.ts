export const DAY_MS = 86_400_000;

/** Days since the Unix epoch (UTC) of a millisecond timestamp. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Formatted days, cached: getallfidata prints the same few hundred days over and over. */
const DATE_CACHE = new Map<number, string>();

export function isoDate(day: number): string {
  let text = DATE_CACHE.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (DATE_CACHE.size > 100_000) DATE_CACHE.clear();
    DATE_CACHE.set(day, text);
  }
  return text;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** ISO-8601 UTC of a whole second in a day: same text as Date#toISOString, without a Date. */
export function isoAtSecond(day: number, secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  return `${isoDate(day)}T${pad2(h)}:${pad2(m)}:${pad2(secondOfDay % 60)}.000Z`;
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
