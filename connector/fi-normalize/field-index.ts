import { spellingsOf } from './container-reader.js';

/**
 * Columns read from one FI element (a transaction, a holding, a summary) in ONE pass over its
 * own keys: each key is looked up once in a map of every alias in every spelling, so an
 * element costs as many lookups as it has keys, whatever the number of aliases. What no
 * column takes is the element's `extra` (nothing is dropped).
 */
export type ValueKind = 'text' | 'decimal' | 'datetime' | 'date';

export interface ColumnSpec {
  readonly column: string;
  readonly kind: ValueKind;
  /** ReBIT attribute names (lower camel), most preferred first. */
  readonly aliases: readonly string[];
}

export interface FieldSlot {
  /** Index of the column in the spec list. */
  readonly index: number;
  /** Position of the alias in the column's list: lower wins when an element carries two. */
  readonly rank: number;
}

export interface FieldIndex {
  readonly columns: readonly ColumnSpec[];
  readonly slots: ReadonlyMap<string, FieldSlot>;
  /**
   * A new row from the columns' values (`values[i]` for column i): `head` keys first (null,
   * the stream fills them), then the columns, `tier`, `extra` and the other `tail` keys.
   * With `omitNulls`, a column, `tier` or `extra` without a value is left out of the row.
   */
  readonly makeRow: (values: readonly unknown[], tier: string | null, extra: Record<string, unknown> | null) => Record<string, unknown>;
  /**
   * A row with every key, the left-out ones null: what a content hash reads, so an id made
   * from a row's content does not depend on whether its nulls were left out.
   */
  readonly fullRow: (row: Record<string, unknown>) => Record<string, unknown>;
  /**
   * `slots.get(key)` for the key at `position` of an element's own keys. The elements of one
   * list nearly always share their key order (one converter wrote them all), so the slot the
   * key at each position had last time is remembered: a repeated key costs one comparison
   * of interned strings instead of a hash lookup.
   */
  readonly slotAt: (key: string, position: number) => FieldSlot | undefined;
}

/** Key positions remembered by slotAt: a hostile element with thousands of keys keeps no more. */
const REMEMBERED_POSITIONS = 64;

export interface RowLayout {
  /** Keys every row starts with, null until the stream fills them (its record's key...). */
  readonly head?: readonly string[];
  /** Keys after the columns: `tier` and `extra` take makeRow's arguments, others start null. */
  readonly tail?: readonly string[];
  /**
   * Leave a column without a value out of the row instead of writing null: what Airbyte and
   * the built-in destinations read as null, in fewer bytes. Serialising and writing a record
   * cost by the byte, and an FI row of one type has most other types' columns empty (a
   * deposit transaction fills 9 of 17).
   */
  readonly omitNulls?: boolean;
}

export function fieldIndex(columns: readonly ColumnSpec[], layout: RowLayout = {}): FieldIndex {
  const head = layout.head ?? [];
  const tail = layout.tail ?? [];
  for (const key of [...head, ...columns.map((c) => c.column), ...tail]) if (!/^[a-z_][a-z0-9_]*$/.test(key)) throw new Error(`column name ${key} is not snake_case`);
  const tailValue = (k: string) => (k === 'tier' ? 'tier' : k === 'extra' ? 'extra' : 'null');
  // Compiled from our own constant column names (checked above). Without omitNulls: one
  // object literal, the cheapest way V8 has to make an object of ~25 keys, several times
  // cheaper than keyed stores. With it: a constructor of named stores, so V8's slack tracking
  // gives every row room for all its keys in the object itself, and rows with the same
  // columns filled share one hidden class.
  let body: string;
  if (layout.omitNulls === true) {
    const stores = [
      ...head.map((k) => `this.${k} = null;`),
      ...columns.map((c, i) => `if (v[${i}] !== null) this.${c.column} = v[${i}];`),
      ...tail.map((k) => (k === 'tier' || k === 'extra' ? `if (${k} !== null) this.${k} = ${k};` : `this.${k} = null;`)),
    ];
    // Row's instances are plain objects (Object.prototype), as JSON.parse and literals make them.
    body = `function Row(v, tier, extra) { ${stores.join(' ')} } Row.prototype = Object.prototype; return (v, tier, extra) => new Row(v, tier, extra);`;
  } else {
    const entries = [...head.map((k) => `${k}: null`), ...columns.map((c, i) => `${c.column}: v[${i}]`), ...tail.map((k) => `${k}: ${tailValue(k)}`)];
    body = `return (v, tier, extra) => ({ ${entries.join(', ')} });`;
  }
  const makeRow = new Function(body)() as FieldIndex['makeRow'];
  const slots = new Map<string, FieldSlot>();
  columns.forEach((spec, index) => {
    spec.aliases.forEach((alias, rank) => {
      const pascal = alias.charAt(0).toUpperCase() + alias.slice(1);
      for (const key of [alias, ...spellingsOf(pascal)]) if (!slots.has(key)) slots.set(key, { index, rank });
    });
  });
  const keys = [...head, ...columns.map((c) => c.column), ...tail];
  const fullRow = (row: Record<string, unknown>): Record<string, unknown> => {
    const full: Record<string, unknown> = {};
    for (const key of keys) full[key] = row[key] ?? null;
    return full;
  };
  // A memo of the lookups above, not state: slotAt answers the same whatever it remembers.
  const seenKeys: string[] = [];
  const seenSlots: Array<FieldSlot | undefined> = [];
  const slotAt = (key: string, position: number): FieldSlot | undefined => {
    if (seenKeys[position] === key) return seenSlots[position];
    const slot = slots.get(key);
    if (position < REMEMBERED_POSITIONS) {
      seenKeys[position] = key;
      seenSlots[position] = slot;
    }
    return slot;
  };
  return { columns, slots, makeRow, fullRow, slotAt };
}
