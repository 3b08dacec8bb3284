/**
 * Finding an FI body's containers and lists whatever the XML-to-JSON conversion made of
 * them. ReBIT names elements in PascalCase (`Transactions`, `Tier1Holding`); FinPro keeps
 * them, other converters lower the first letter, lower everything or write snake_case.
 */

const spellingCache = new Map<string, readonly string[]>();

/** The spellings a converter may give element `name` (PascalCase as ReBIT writes it), most likely first. */
export function spellingsOf(name: string): readonly string[] {
  let spellings = spellingCache.get(name);
  if (spellings === undefined) {
    const lowerFirst = name.charAt(0).toLowerCase() + name.slice(1);
    const snake = lowerFirst.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    spellings = [...new Set([name, lowerFirst, name.toLowerCase(), snake])];
    spellingCache.set(name, spellings);
  }
  return spellings;
}

/** The value under element `name` in any of its spellings; undefined when absent. */
export function childOf(parent: Record<string, unknown> | null, name: string): unknown {
  if (parent === null) return undefined;
  for (const key of spellingsOf(name)) {
    const value = parent[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

export function objectOrNull(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

const NONE: readonly unknown[] = Object.freeze([]);

/** A repeated element as a list: a list as it is, one object as a one-element list, `[]`, `""`, null or absent as none. */
export function listOf(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return [value];
  return NONE;
}

/** The key a converter's spelling maps to: lower case without underscores (`Tier1_Holdings` and `tier1holdings` are one name). */
export function foldedKey(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

/** A value that carries data: a non-empty object or list. Empty containers, blanks and scalars are not parts to map. */
export function hasContent(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) {
    for (const _ in value) return true;
  }
  return false;
}
