const DAY_MS = 86_400_000;
/** An offset at the end (`Z`, `+05:30`, `+0530`): without one FinPro means UTC. */
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * When one FI record's data expires, ISO UTC, or null when nothing says so: the earlier of
 * its fetch time plus the configured data life and FinPro's `dataExpiry` for its session.
 * The earlier one, because either obligation alone already requires the data gone.
 */
export function dataExpiresAt(fetchedMs: number, dataLifeDays: number | undefined, finproExpiryMs: number | undefined): string | null {
  const fromLife = dataLifeDays === undefined ? undefined : fetchedMs + dataLifeDays * DAY_MS;
  const ms = fromLife === undefined ? finproExpiryMs : finproExpiryMs === undefined ? fromLife : Math.min(fromLife, finproExpiryMs);
  return ms === undefined ? null : new Date(Math.round(ms)).toISOString();
}

/** FinPro's `dataExpiry` (any offset, or none: UTC) as epoch ms; undefined when absent or unreadable. */
export function finproExpiryMs(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const ms = Date.parse(HAS_OFFSET.test(text) || !text.includes('T') ? text : `${text}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
