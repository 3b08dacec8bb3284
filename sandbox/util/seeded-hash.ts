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

/** Unsigned 32-bit hash of a seed and any number of integer keys (each taken mod 2^32). */
export function hash32(seed: number, ...keys: number[]): number {
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  for (const key of keys) {
    // Fold in the high part too, so keys above 2^32 (day numbers * big ids) still differ.
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    h = fmix32((h ^ lo) + 0x6a09e667);
    if (hi !== 0) h = fmix32((h ^ hi) + 0x3c6ef372);
  }
  return h;
}

/** A float in [0, 1) from the same keys. */
export function unit(seed: number, ...keys: number[]): number {
  return hash32(seed, ...keys) / 4294967296;
}

/** An integer in [0, n). */
export function pick(n: number, seed: number, ...keys: number[]): number {
  return Math.floor(unit(seed, ...keys) * n);
}

/** A 53-bit-safe integer in [0, n) for large ranges (uses two hashes). */
export function bigPick(n: number, seed: number, ...keys: number[]): number {
  const a = hash32(seed, ...keys, 1);
  const b = hash32(seed, ...keys, 2) & 0x1fffff; // 21 bits -> 53 bits total
  return Math.floor(((b * 4294967296 + a) / 9007199254740992) * n);
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** A UUID-v4-shaped id from (seed, keys): deterministic, not random. */
export function seededUuid(seed: number, ...keys: number[]): string {
  const a = hex8(hash32(seed, ...keys, 11));
  const b = hex8(hash32(seed, ...keys, 12));
  const c = hex8(hash32(seed, ...keys, 13));
  const d = hex8(hash32(seed, ...keys, 14));
  const variant = '89ab'[hash32(seed, ...keys, 15) & 3];
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

/** Stable small integer code for a string key (route names, kinds). */
export function stringKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
