import { hash32, hex8 } from '../util/seeded-hash.js';

/**
 * Consent IDs are UUID-shaped and derived from (seed, index). To find a consent from its
 * ID without a 100,000-entry map, the last 12 hex digits carry the index through a seeded
 * 4-round Feistel permutation of 48 bits: invertible, yet neighbouring indices look unrelated.
 */
const HALF_BITS = 24;
const HALF_MASK = 0xffffff;
const ROUNDS = 4;

function round(seed: number, r: number, half: number): number {
  return hash32(seed, 0xfe157e1, r, half) & HALF_MASK;
}

function permute(seed: number, value: number): number {
  let left = Math.floor(value / 2 ** HALF_BITS) & HALF_MASK;
  let right = value & HALF_MASK;
  for (let r = 0; r < ROUNDS; r++) {
    const next = (left ^ round(seed, r, right)) & HALF_MASK;
    left = right;
    right = next;
  }
  return left * 2 ** HALF_BITS + right;
}

function unpermute(seed: number, value: number): number {
  let left = Math.floor(value / 2 ** HALF_BITS) & HALF_MASK;
  let right = value & HALF_MASK;
  for (let r = ROUNDS - 1; r >= 0; r--) {
    const prev = (right ^ round(seed, r, left)) & HALF_MASK;
    right = left;
    left = prev;
  }
  return left * 2 ** HALF_BITS + right;
}

export function consentIdFor(seed: number, index: number): string {
  const a = hex8(hash32(seed, 0xc025e27, index, 1));
  const b = hex8(hash32(seed, 0xc025e27, index, 2));
  const variant = '89ab'[hash32(seed, 0xc025e27, index, 3) & 3];
  const tail = permute(seed, index).toString(16).padStart(12, '0');
  return `${a}-${b.slice(0, 4)}-4${b.slice(4, 7)}-${variant}${b.slice(7, 8)}${a.slice(0, 2)}-${tail}`;
}

/** The index of a consent ID of this seed, or undefined when it is not one of ours. */
export function consentIndexOf(seed: number, count: number, id: string): number | undefined {
  if (typeof id !== 'string' || id.length !== 36) return undefined;
  const lower = id.toLowerCase();
  const tail = Number.parseInt(lower.slice(24), 16);
  if (!Number.isFinite(tail)) return undefined;
  const index = unpermute(seed, tail);
  if (index >= count) return undefined;
  return consentIdFor(seed, index) === lower ? index : undefined;
}
