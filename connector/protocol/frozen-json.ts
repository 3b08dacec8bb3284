/**
 * The JSON text of a value that cannot change, written once however many messages carry it.
 * A checkpoint writes one STATE per stream and every one holds the same `base` (at 100,000
 * consents, ~15,000 failed consents: ~1 MB of JSON); serialising it once per stream made the
 * end of a read its memory peak. Only a deeply frozen plain value qualifies, so the text can
 * never go stale: freezing is the owner's promise, and checked here, not assumed.
 */
const texts = new WeakMap<object, string>();

/** Freezes `value` and every object or array under it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * `JSON.stringify(value)` of a deeply frozen plain object or array (as a property value, so
 * no `toJSON` anywhere), remembered while the value lives; undefined for any other value.
 */
export function frozenJson(value: object): string | undefined {
  const known = texts.get(value);
  if (known !== undefined) return known;
  if (!isFrozenPlain(value)) return undefined;
  const text = JSON.stringify(value);
  texts.set(value, text);
  return text;
}

/**
 * Frozen all the way down, only plain objects and arrays of data properties, and nothing with
 * a `toJSON`: a getter or a `toJSON` could give another text next time.
 */
function isFrozenPlain(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype) return false;
  if ('toJSON' in value) return false;
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) return false;
    const child = descriptor.value as unknown;
    if (typeof child === 'object' && child !== null && !isFrozenPlain(child)) return false;
  }
  return true;
}
