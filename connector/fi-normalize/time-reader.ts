/**
 * Date-times and dates of an FI body. Providers write `Z`, `+05:30`, `+0000`, a bare hour
 * offset or no offset at all (read as UTC, as the contract says); the connector emits one
 * form everywhere: ISO-8601 UTC with milliseconds, as `Date#toISOString` writes it. Dates
 * stay calendar dates (`YYYY-MM-DD`): a date-time given for a date keeps its own local day.
 *
 * null means no value (absent, null, `""`); undefined means a value that is no date.
 */

const FULL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([zZ])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export function dateTimeUtcOf(value: unknown): string | null | undefined {
  if (typeof value !== 'string') return value === null || value === undefined ? null : undefined;
  // Already what we emit (`2026-01-02T03:04:05.678Z`): kept without a parse.
  const n = value.length;
  if (n === 24 && value.charCodeAt(23) === 90 && value.charCodeAt(19) === 46 && value.charCodeAt(10) === 84 && value.charCodeAt(4) === 45) return value;
  if (n === 0) return null;
  const m = FULL.exec(value);
  if (m === null) return value.trim() === '' ? null : undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  // Date.UTC reads years 0-99 as 19xx; no FI date is that old.
  if (year < 1000 || !validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  const date = new Date(ms);
  const utcYear = date.getUTCFullYear();
  return utcYear >= 1000 && utcYear <= 9999 ? date.toISOString() : undefined;
}

/** `YYYY-MM-DD`, from a date or from the date part of a date-time. */
export function dateOf(value: unknown): string | null | undefined {
  if (typeof value !== 'string') return value === null || value === undefined ? null : undefined;
  if (value.length === 0) return null;
  if (value.length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return value.trim() === '' ? null : undefined;
  if (value.length > 10) {
    const next = value.charCodeAt(10);
    if (next !== 84 && next !== 32) return undefined;
  }
  const y = digits(value, 0, 4);
  const mo = digits(value, 5, 7);
  const d = digits(value, 8, 10);
  if (y < 0 || mo < 0 || d < 0 || !validDay(y, mo, d)) return undefined;
  return value.length === 10 ? value : value.slice(0, 10);
}

function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}
