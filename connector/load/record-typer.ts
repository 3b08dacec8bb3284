import { randomUUID } from 'node:crypto';
import type { DecimalLimits } from './sql-dialect.js';
import type { ColumnKind, TablePlan } from './table-mapping.js';

/**
 * Turns one record into the text cells of a staging row, checking every value against its
 * column kind first, so the database's CAST can never fail mid-transaction. A value that
 * does not fit is written as NULL and recorded in `_airbyte_meta.changes`, as Airbyte's
 * Destinations V2 do (`NULLED`, `DESTINATION_TYPECAST_ERROR`); the record is never dropped.
 * Cells stay text so exact decimals never pass through a JS number.
 */

export interface MetaChange {
  field: string;
  change: 'NULLED';
  reason: 'DESTINATION_TYPECAST_ERROR' | 'DESTINATION_FIELD_SIZE_LIMITATION';
}

export type Cell = string | null;

export interface RecordContext {
  emittedAt: number;
  syncId: number;
  generationId: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const INTEGER = /^-?\d{1,19}$/;
const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

type Verdict = Cell | MetaChange['reason'];

/** Date strings already found valid; cleared when full, so memory stays bounded. */
const validDates = new Set<string>();
const VALID_DATES_MAX = 4096;

export function cellOf(value: unknown, kind: ColumnKind, limits: DecimalLimits): Verdict {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'json':
      return JSON.stringify(value);
    case 'decimal': {
      // A JSON number is accepted as written by JS (already a float upstream); strings stay exact.
      const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
      const match = text === undefined ? null : DECIMAL.exec(text);
      if (match === null) return 'DESTINATION_TYPECAST_ERROR';
      // Leading and trailing zeros are stripped only when the written length is over a limit (rare):
      // two regex replaces per amount were a measurable part of the load.
      const integerDigits = match[2]!.length <= limits.maxIntegerDigits ? 0 : match[2]!.replace(/^0+(?=\d)/, '').length;
      const places = match[3] ?? '';
      const scale = places.length <= limits.maxScale ? 0 : places.replace(/0+$/, '').length;
      if (integerDigits > limits.maxIntegerDigits || scale > limits.maxScale) return 'DESTINATION_FIELD_SIZE_LIMITATION';
      return text!;
    }
    case 'timestamptz':
      // Date.parse takes February 30th (it rolls over); the database does not, so the day is checked as a date's.
      if (typeof value !== 'string' || !DATE_TIME.test(value) || !isCalendarDate(value.slice(0, 10)) || Number.isNaN(Date.parse(value.replace(' ', 'T')))) return 'DESTINATION_TYPECAST_ERROR';
      return value;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : 'DESTINATION_TYPECAST_ERROR';
    case 'bigint': {
      const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
      if (text === undefined || !INTEGER.test(text)) return 'DESTINATION_TYPECAST_ERROR';
      const big = BigInt(text);
      if (big > INT64_MAX || big < INT64_MIN) return 'DESTINATION_FIELD_SIZE_LIMITATION';
      return text;
    }
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : 'DESTINATION_TYPECAST_ERROR';
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : 'DESTINATION_TYPECAST_ERROR';
    case 'uuid':
      return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value : 'DESTINATION_TYPECAST_ERROR';
  }
}

/** `YYYY-MM-DD` naming a day of the calendar. A load holds a few hundred distinct dates over and over: each is checked once. */
function isCalendarDate(text: string): boolean {
  if (validDates.has(text)) return true;
  const match = DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (validDates.size >= VALID_DATES_MAX) validDates.clear();
  validDates.add(text);
  return true;
}

function isReason(verdict: Verdict): verdict is MetaChange['reason'] {
  return verdict === 'DESTINATION_TYPECAST_ERROR' || verdict === 'DESTINATION_FIELD_SIZE_LIMITATION';
}

/** The staging cells of a record: the four Airbyte columns, then the data columns in plan order. */
export function stagingCells(plan: TablePlan, data: Record<string, unknown>, context: RecordContext, limits: DecimalLimits): Cell[] {
  const changes: MetaChange[] = [];
  const cells: Cell[] = [randomUUID(), extractedAtText(context.emittedAt), '', String(context.generationId)];
  for (const column of plan.columns) {
    const verdict = cellOf(data[column.name], column.kind, limits);
    if (isReason(verdict)) {
      changes.push({ field: column.name, change: 'NULLED', reason: verdict });
      cells.push(null);
    } else {
      cells.push(verdict);
    }
  }
  cells[2] = changes.length === 0 ? cleanMeta(context.syncId) : JSON.stringify({ changes, sync_id: context.syncId });
  return cells;
}

/** The `_airbyte_meta` of a record nothing was changed in: the same text for every such record of a sync. */
let cleanMetaOf: { syncId: number; text: string } | undefined;
function cleanMeta(syncId: number): string {
  if (cleanMetaOf?.syncId !== syncId) cleanMetaOf = { syncId, text: JSON.stringify({ changes: [], sync_id: syncId }) };
  return cleanMetaOf.text;
}

/** Records come in runs with one emitted_at (a page of a response): its ISO text is built once per run. */
let lastExtractedAt: { ms: number; text: string } | undefined;
function extractedAtText(ms: number): string {
  if (lastExtractedAt?.ms !== ms) lastExtractedAt = { ms, text: new Date(ms).toISOString() };
  return lastExtractedAt.text;
}
