import type { Security } from './fip-catalog.js';
import { pick } from '../util/seeded-hash.js';

const TAG_PRICE = 0x9c1ce;

/**
 * A security's price on a day, in paise: within +-15% of its level, rounded to 5 paise like
 * an exchange tick. A function of (seed, security, day) only, so every account holding an
 * ISIN sees one price a day.
 */
export function pricePaiseOn(seed: number, security: Security, day: number): number {
  const steps = Math.floor((security.basePaise * 0.3) / 5);
  return Math.max(5, Math.round((security.basePaise * 0.85) / 5) * 5 + pick(steps + 1, seed, TAG_PRICE, isinKey(security), day) * 5);
}

/** A fund's NAV on a day in 10^-4 rupees (NAVs carry four places). */
export function nav4On(seed: number, security: Security, day: number): number {
  const base = security.basePaise * 100;
  return Math.round(base * 0.85) + pick(Math.floor(base * 0.3), seed, TAG_PRICE, isinKey(security), day);
}

/** Units (in thousandths) an amount in paise buys at a NAV in 10^-4 rupees. */
export function unitsMilliFor(amountPaise: number, nav4: number): number {
  return Math.max(1, Math.round((amountPaise * 100_000) / nav4));
}

/** Value in paise of units (thousandths) at a NAV (10^-4), rounded to the paisa as registrars do. */
export function valuePaiseOf(unitsMilli: number, nav4: number): number {
  return Math.round((unitsMilli * nav4) / 100_000);
}

const ISIN_KEYS = new Map<string, number>();
function isinKey(security: Security): number {
  let k = ISIN_KEYS.get(security.isin);
  if (k === undefined) {
    k = 0;
    for (let i = 0; i < security.isin.length; i++) k = (Math.imul(k, 31) + security.isin.charCodeAt(i)) >>> 0;
    ISIN_KEYS.set(security.isin, k);
  }
  return k;
}
