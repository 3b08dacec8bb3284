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
   * A new row from the columns' values (`values[i]` for column i): every key in record order,
   * `head` keys (the stream fills them) and `tail` keys null. One object literal, so every
   * row has one shape from birth.
   */
  readonly makeRow: (values: readonly unknown[], tier: string | null, extra: Record<string, unknown> | null) => Record<string, unknown>;
}

export function fieldIndex(columns: readonly ColumnSpec[], head: readonly string[] = [], tail: readonly string[] = []): FieldIndex {
  const tailValue = (k: string) => (k === 'tier' ? 'tier' : k === 'extra' ? 'extra' : 'null');
  const entries = [...head.map((k) => `${k}: null`), ...columns.map((c, i) => `${c.column}: v[${i}]`), ...tail.map((k) => `${k}: ${tailValue(k)}`)];
  for (const key of [...head, ...columns.map((c) => c.column), ...tail]) if (!/^[a-z_][a-z0-9_]*$/.test(key)) throw new Error(`column name ${key} is not snake_case`);
  // Compiled from our own constant column names (checked above): an object literal is the
  // cheapest way V8 has to make an object of ~25 keys, several times cheaper than keyed stores.
  const makeRow = new Function('v', 'tier', 'extra', `return { ${entries.join(', ')} };`) as FieldIndex['makeRow'];
  const slots = new Map<string, FieldSlot>();
  columns.forEach((spec, index) => {
    spec.aliases.forEach((alias, rank) => {
      const pascal = alias.charAt(0).toUpperCase() + alias.slice(1);
      for (const key of [alias, ...spellingsOf(pascal)]) if (!slots.has(key)) slots.set(key, { index, rank });
    });
  });
  return { columns, slots, makeRow };
}
