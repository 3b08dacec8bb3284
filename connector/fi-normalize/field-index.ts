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
}

export function fieldIndex(columns: readonly ColumnSpec[]): FieldIndex {
  const slots = new Map<string, FieldSlot>();
  columns.forEach((spec, index) => {
    spec.aliases.forEach((alias, rank) => {
      const pascal = alias.charAt(0).toUpperCase() + alias.slice(1);
      for (const key of [alias, ...spellingsOf(pascal)]) if (!slots.has(key)) slots.set(key, { index, rank });
    });
  });
  return { columns, slots };
}
