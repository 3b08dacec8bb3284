import { createHash } from 'node:crypto';
import { FiValueError } from '../errors/connector-errors.js';
import { childOf, foldedKey, hasContent, listOf, objectOrNull } from './container-reader.js';
import { decimalOf } from './decimal-reader.js';
import type { FieldIndex } from './field-index.js';
import { HOLDING_FIELDS, LINK_KEYS, MASKED_KEYS, SUMMARY_FIELDS, TRANSACTION_FIELDS } from './fi-field-columns.js';
import { GENERIC_LAYOUT, layoutOf, type FiLayout, type ListSpec } from './fi-layouts.js';
import { dateOf, dateTimeUtcOf } from './time-reader.js';

/**
 * One FI account (FinPro's wrapper around ReBIT's FI body, in any spelling the contract
 * lists) turned into its normalized parts: identity, holders, the summary's common fields,
 * holdings and transactions, with columns in snake_case and values exact (decimals as
 * text, date-times ISO-8601 UTC, dates YYYY-MM-DD). Pure, and one pass over each element's
 * keys: no schema validation, no re-serialisation.
 *
 * Nothing is dropped: an element's keys no column takes go to its `extra`; a list or object
 * under Summary or Transactions that no layout reads, an fiType without a layout, or a date
 * that is no date is listed in `unmapped` (the caller warns; the raw account stays in
 * fi_data). An amount that is no number throws FiValueError: a null would hide the loss.
 */
export type Row = Record<string, unknown>;

export interface NormalizedFiAccount {
  fiType: string | null;
  /** Which layout read the body ('generic' for an fiType without one). */
  layout: string;
  link: string | undefined;
  maskedNumber: string | null;
  holdersType: string | null;
  /** Profile/Holders/Holder as an array of the holder objects as sent; null when the body has none. */
  holders: Row[] | null;
  summary: Row | null;
  /** The summary's common fields (account_type, current_balance, current_value, maturity_date...). */
  summaryColumns: Row;
  /** Rows of holdings (holding_id, tier, isin, units... extra); empty unless asked for. */
  holdings: Row[];
  /** Rows of transactions (txn_id, tier, type, amount... extra); empty unless asked for. */
  transactions: Row[];
  holdingCount: number;
  transactionCount: number;
  /** Paths of parts not mapped to columns (deduplicated per account). */
  unmapped: string[];
}

export interface NormalizeOptions {
  /** Build holding rows (counting them costs nothing either way). */
  holdings: boolean;
  /** Build transaction rows. */
  transactions: boolean;
}

const ALL: NormalizeOptions = { holdings: true, transactions: true };

export function normalizeFiAccount(account: Row, options: NormalizeOptions = ALL): NormalizedFiAccount {
  const unmapped = new Unmapped();
  const fiType = textOf(account['fiType'] ?? account['fi_type']);
  let layout = layoutOf(fiType);
  if (layout === undefined) {
    layout = GENERIC_LAYOUT;
    unmapped.add(fiType === null ? 'fiType (absent)' : 'fiType');
  }

  const holdersObject = objectOrNull(childOf(objectOrNull(childOf(account, 'Profile')), 'Holders'));
  const holderList = listOf(childOf(holdersObject, 'Holder'));
  const holders = holdersObject === null ? null : (holderList.filter((h) => objectOrNull(h) !== null) as Row[]);

  const summary = objectOrNull(childOf(account, 'Summary'));
  if (summary !== null) mapElement(summary, SUMMARY_FIELDS, 'Summary', unmapped, false);
  else values.fill(null, 0, SUMMARY_FIELDS.columns.length);
  const summaryColumns = SUMMARY_FIELDS.makeRow(values, null, null);

  checkContainers(account, summary, layout, unmapped);

  const holdings: Row[] = [];
  let holdingCount = 0;
  for (const spec of layout.holdings) {
    const list = readList(account, spec, unmapped);
    holdingCount += list.length;
    if (options.holdings) for (const element of list) pushRow(element, spec, HOLDING_FIELDS, holdings, unmapped);
  }
  if (holdings.length > 0) assignHoldingIds(holdings);

  const transactions: Row[] = [];
  let transactionCount = 0;
  let twins: Map<string, number> | undefined;
  for (const spec of layout.transactions) {
    const list = readList(account, spec, unmapped);
    transactionCount += list.length;
    if (!options.transactions) continue;
    for (const element of list) {
      const row = pushRow(element, spec, TRANSACTION_FIELDS, transactions, unmapped);
      if (row !== undefined && row['txn_id'] === undefined) {
        // A stable id from the content (never the position, which moves when the range does); identical twins are numbered.
        row['txn_id'] = numbered((twins ??= new Map()), `h:${contentHash(spec.item, element)}`);
      }
    }
  }

  return {
    fiType,
    layout: layout.name,
    link: firstText(account, LINK_KEYS),
    maskedNumber: firstText(account, MASKED_KEYS) ?? null,
    holdersType: textOf(holdersObject?.['type']),
    holders,
    summary,
    summaryColumns,
    holdings,
    transactions,
    holdingCount,
    transactionCount,
    unmapped: unmapped.paths,
  };
}

class Unmapped {
  readonly paths: string[] = [];
  add(path: string): void {
    if (!this.paths.includes(path)) this.paths.push(path);
  }
}

/** The list `spec` names, in any spelling; a bare array where the layout's last container is stands for the list itself. */
function readList(account: Row, spec: ListSpec, unmapped: Unmapped): readonly unknown[] {
  let parent: Row = account;
  for (let i = 0; i < spec.path.length; i++) {
    const value = childOf(parent, spec.path[i]!);
    if (Array.isArray(value)) {
      if (i === spec.path.length - 1) return value;
      // e.g. NPS `Transactions` as one bare array: which tier list is it? Reported, not guessed.
      if (value.length > 0) unmapped.add(`${spec.path.slice(0, i + 1).join('.')} (a list where ReBIT has a container)`);
      return [];
    }
    const next = objectOrNull(value);
    if (next === null) return [];
    parent = next;
  }
  return listOf(childOf(parent, spec.item));
}

const NOTHING: ReadonlySet<string> = new Set();

/** Lists and objects inside the containers a layout reads that it has no mapping for. */
function checkContainers(account: Row, summary: Row | null, layout: FiLayout, unmapped: Unmapped): void {
  walkKnown(summary, 'Summary', layout.known.get('summary') ?? NOTHING, layout, unmapped);
  walkKnown(objectOrNull(childOf(account, 'Transactions')), 'Transactions', layout.known.get('transactions') ?? NOTHING, layout, unmapped);
}

function walkKnown(container: Row | null, path: string, children: ReadonlySet<string>, layout: FiLayout, unmapped: Unmapped): void {
  if (container === null) return;
  for (const key in container) {
    const value = container[key];
    if (typeof value !== 'object' || value === null) continue;
    const folded = foldedKey(key);
    if (!children.has(folded)) {
      if (hasContent(value)) unmapped.add(`${path}.${key}`);
      continue;
    }
    const grandChildren = layout.known.get(folded);
    if (grandChildren !== undefined && !Array.isArray(value)) walkKnown(value as Row, `${path}.${key}`, grandChildren, layout, unmapped);
  }
}

function pushRow(element: unknown, spec: ListSpec, fields: FieldIndex, rows: Row[], unmapped: Unmapped): Row | undefined {
  const source = objectOrNull(element);
  if (source === null) {
    if (element !== '' && element !== null) unmapped.add(`${spec.label} (not an object)`);
    return undefined;
  }
  const extra = mapElement(source, fields, spec.label, unmapped, true);
  const row = fields.makeRow(values, spec.tier ?? null, extra);
  rows.push(row);
  return row;
}

// Scratch for mapElement (synchronous, so one set serves every call): each column's value, and
// the alias rank and key that filled it.
const values: unknown[] = new Array(64).fill(null);
const ranks = new Int16Array(64);
const chosen: string[] = [];

/**
 * Reads `source`'s keys into `values` (column i at i, for the caller's makeRow); returns the
 * keys no column took (null when none, or always when `wantExtra` is off). When two aliases
 * of a column are present, the better-ranked non-blank one wins and the other is kept in extra.
 */
function mapElement(source: Row, fields: FieldIndex, path: string, unmapped: Unmapped, wantExtra: boolean): Row | null {
  const columns = fields.columns;
  ranks.fill(-1, 0, columns.length);
  values.fill(null, 0, columns.length);
  let extra: Row | null = null;
  let position = 0;
  for (const key in source) {
    const value = source[key];
    const slot = fields.slotAt(key, position++);
    if (slot === undefined) {
      if (wantExtra) (extra ??= {})[key] = value;
      continue;
    }
    const i = slot.index;
    const previous = ranks[i]!;
    if (previous !== -1 && previous <= slot.rank) {
      if (wantExtra) (extra ??= {})[key] = value;
      continue;
    }
    const spec = columns[i]!;
    const converted = convert(spec.kind, value, path, key);
    if (converted === null) continue;
    if (converted === undefined) {
      unmapped.add(`${path}.${key} (not a ${spec.kind === 'datetime' ? 'date-time' : spec.kind})`);
      if (wantExtra) (extra ??= {})[key] = value;
      continue;
    }
    if (previous !== -1 && wantExtra) (extra ??= {})[chosen[i]!] = source[chosen[i]!];
    values[i] = converted;
    ranks[i] = slot.rank;
    chosen[i] = key;
  }
  return extra;
}

/** A column's value; null for no value; undefined for a text or date that is none (reported and kept in extra). */
function convert(kind: string, value: unknown, path: string, key: string): string | null | undefined {
  switch (kind) {
    case 'decimal': {
      const text = decimalOf(value);
      if (text === undefined) throw new FiValueError(`${path}.${key}`, shown(value), 'an amount must be a decimal string or a number');
      return text;
    }
    case 'datetime':
      return dateTimeUtcOf(value);
    case 'date':
      return dateOf(value);
    default:
      if (typeof value === 'string') return value === '' ? null : value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return value === null ? null : undefined;
  }
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return String(value);
  return null;
}

function firstText(account: Row, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const text = textOf(account[key]);
    if (text !== null) return text;
  }
  return undefined;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * A holding's id: its tier, ISIN (or scheme code, scheme or issuer name) and folio or demat
 * id, which name the same holding in every session; when two holdings of an account share
 * them, their content tells them apart, and identical twins are numbered.
 */
function assignHoldingIds(rows: Row[]): void {
  const ids = rows.map((row) => {
    const what = row['isin'] ?? row['scheme_code'] ?? row['scheme_name'] ?? row['issuer_name'];
    if (what === undefined) return `h:${contentHash('Holding', HOLDING_FIELDS.fullRow(row))}`;
    return [row['tier'], what, row['folio_no'] ?? row['demat_id']].filter((part) => part !== undefined).join(':');
  });
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twins = new Map<string, number>();
  rows.forEach((row, i) => {
    let id = ids[i]!;
    if (counts.get(id)! > 1 && !id.startsWith('h:')) id = `${id}:${contentHash('Holding', HOLDING_FIELDS.fullRow(row))}`;
    row['holding_id'] = numbered(twins, id);
  });
}

/** `id` the first time it is seen, then `id#2`, `id#3`...: identical twins keep distinct keys. */
function numbered(seen: Map<string, number>, id: string): string {
  const n = seen.get(id) ?? 0;
  seen.set(id, n + 1);
  return n === 0 ? id : `${id}#${n + 1}`;
}

function contentHash(kind: string, value: unknown): string {
  return createHash('sha256').update(kind).update('\u0000').update(canonical(value)).digest('base64url').slice(0, 22);
}

/** JSON with object keys sorted, so key order (a converter's choice) does not change the id. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Row)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
