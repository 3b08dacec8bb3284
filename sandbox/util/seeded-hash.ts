/**
 * Stateless seeded hashing. Every piece of sandbox data is a pure function of
 * (seed, keys...), so answers never depend on request order and nothing per consent or per
 * transaction has to be stored. 32-bit integer mixing (Math.imul) is used instead of BigInt
 * because getallfidata hashes a few hundred days per account per request and must stay fast.
 */

/** murmur3's finalizer: a good 32-bit avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(h: number, key: number): number {
  // Fold in the high part too, so keys above 2^32 still differ.
  h = fmix32((h ^ (key >>> 0)) + 0x6a09e667);
  if (key > 4294967295 || key < 0) h = fmix32((h ^ (Math.floor(key / 4294967296) >>> 0)) + 0x3c6ef372);
  return h;
}

/**
 * Unsigned 32-bit hash of a seed and up to five integer keys. Fixed arity on purpose: rest
 * parameters allocate an array per call, and getallfidata makes thousands of calls per request.
 */
export function hash32(seed: number, a: number, b?: number, c?: number, d?: number, e?: number): number {
  let h = mix(fmix32((seed ^ 0x9e3779b9) >>> 0), a);
  if (b !== undefined) h = mix(h, b);
  if (c !== undefined) h = mix(h, c);
  if (d !== undefined) h = mix(h, d);
  if (e !== undefined) h = mix(h, e);
  return h;
}

/** A float in [0, 1) from the same keys. */
export function unit(seed: number, a: number, b?: number, c?: number, d?: number): number {
  return hash32(seed, a, b, c, d) / 4294967296;
}

/** An integer in [0, n). */
export function pick(n: number, seed: number, a: number, b?: number, c?: number, d?: number): number {
  return Math.floor(unit(seed, a, b, c, d) * n);
}

/** A 53-bit-safe integer in [0, n) for large ranges (two hashes). */
export function bigPick(n: number, seed: number, a: number, b: number, c?: number): number {
  const lo = hash32(seed, a, b, c ?? 0, 1);
  const hi = hash32(seed, a, b, c ?? 0, 2) & 0x1fffff; // 21 bits -> 53 bits total
  return Math.floor(((hi * 4294967296 + lo) / 9007199254740992) * n);
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_BYTE_UPPER = HEX_BYTE.map((h) => h.toUpperCase());

/** 8 hex digits of an unsigned 32-bit value (a table instead of toString/padStart: hot path). */
export function hex8(n: number, upper = false): string {
  const t = upper ? HEX_BYTE_UPPER : HEX_BYTE;
  return t[(n >>> 24) & 255]! + t[(n >>> 16) & 255]! + t[(n >>> 8) & 255]! + t[n & 255]!;
}

/** A UUID-v4-shaped id from (seed, tag, key): deterministic, not random. */
export function seededUuid(seed: number, tag: number, key: number): string {
  const a = hex8(hash32(seed, tag, key, 11));
  const b = hex8(hash32(seed, tag, key, 12));
  const c = hex8(hash32(seed, tag, key, 13));
  const d = hex8(hash32(seed, tag, key, 14));
  const variant = '89ab'[hash32(seed, tag, key, 15) & 3];
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

/**
 * A UUID-v4-shaped id from (seed, tag, three keys), for ids that must be unique per request
 * content (a batch's reference, a row, a range) rather than per position in a sequence.
 */
export function contentUuid(seed: number, tag: number, a: number, b: number, c: number): string {
  const w = (lane: number) => hex8(hash32(seed, tag, a, b, hash32(c, lane)));
  const [p, q, r, s] = [w(11), w(12), w(13), w(14)];
  const variant = '89ab'[hash32(seed, tag, a, b, hash32(c, 15)) & 3];
  return `${p}-${q.slice(0, 4)}-4${q.slice(5, 8)}-${variant}${r.slice(1, 4)}-${r.slice(4, 8)}${s}`;
}

/**
 * The first `contentUuid` of (seed, tag, keys) that `taken` does not hold: a request repeated
 * in one sandbox gets the next free id. The repeat count is hashed into the last key, not
 * added to it: the keys are 32-bit, so an offset would wrap and cycle through the same ids
 * forever once a request repeats often enough (retries do).
 */
export function freeContentUuid(seed: number, tag: number, [a, b, c]: readonly [number, number, number], taken: (id: string) => boolean): string {
  let id = contentUuid(seed, tag, a, b, c);
  for (let repeat = 1; taken(id); repeat++) id = contentUuid(seed, tag, a, b, hash32(c, repeat));
  return id;
}

/** A second 32-bit string code, independent of stringKey, so two together key a string in 64 bits. */
export function stringKeyAlt(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995) ^ (h >>> 15);
  return h >>> 0;
}

/** Stable small integer code for a string key (route names, kinds). */
export function stringKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
