import type { AccountInfo } from './consent-population.js';
import { BANK_FIPS, INSURANCE_FIPS, INVESTMENT_FIPS, NPS_FIPS } from './fip-catalog.js';
import { holderAccountIdOf } from './fi-types.js';
import { pick } from '../util/seeded-hash.js';

/**
 * How the sandbox spells an FI account (finpro-api.md, "FI data shape"):
 * - `finpro`: FinPro's own shape, ReBIT's element names capitalised, every value a string;
 * - `lower`: the same with lower-case containers (`profile.holders.holder`, `summary`,
 *   `transactions.transaction`), and for a seeded half of the accounts `transactions` as a
 *   bare array (what the contract first guessed);
 * - `mixed`: each FIP converts its XML its own way, a seeded combination of every variant
 *   the contract lists (see `MixedSpelling`).
 */
export const FI_SHAPES = ['finpro', 'lower', 'mixed'] as const;
export type FiShape = (typeof FI_SHAPES)[number];

export interface MixedSpelling {
  containers: 'capital' | 'lower' | 'bare';
  /** A one-element list as a single object. */
  singleAsObject: boolean;
  /** An empty list as `[]`, `""` or left out. */
  emptyList: 'array' | 'empty-string' | 'absent';
  numbers: 'string' | 'json' | 'scientific';
  dateTimes: 'Z' | '+05:30' | '+0000' | 'none';
  booleans: 'string' | 'json' | 'Y';
  link: 'linkReferenceNumber' | 'linkRefNumber' | 'linkedAccRef' | 'link_reference_number';
  masked: 'maskedAccountNumber' | 'maskedAccNumber' | 'type-specific';
}

const ALL_FIPS = [...BANK_FIPS, ...INVESTMENT_FIPS, ...INSURANCE_FIPS, ...NPS_FIPS].map((f) => f.fipId);
const CONTAINERS = ['capital', 'lower', 'bare'] as const;
const EMPTY = ['array', 'empty-string', 'absent'] as const;
const NUMBERS = ['string', 'json', 'scientific'] as const;
const DATE_TIMES = ['Z', '+05:30', '+0000', 'none'] as const;
const BOOLEANS = ['string', 'json', 'Y'] as const;
const LINKS = ['linkReferenceNumber', 'linkRefNumber', 'linkedAccRef', 'link_reference_number'] as const;
const MASKED = ['maskedAccountNumber', 'maskedAccNumber', 'type-specific'] as const;

/**
 * One FIP's spelling under `mixed`. Each dimension walks the FIP list from a seeded offset,
 * so across the 15 FIPs every variant of every dimension is some FIP's.
 */
export function mixedSpellingOf(seed: number, fipId: string): MixedSpelling {
  const f = Math.max(0, ALL_FIPS.indexOf(fipId));
  const at = <T>(values: readonly T[], tag: number): T => values[(f + pick(values.length, seed, 0x5be11, tag)) % values.length]!;
  return {
    containers: at(CONTAINERS, 1),
    singleAsObject: at([false, true], 2),
    emptyList: at(EMPTY, 3),
    numbers: at(NUMBERS, 4),
    dateTimes: at(DATE_TIMES, 5),
    booleans: at(BOOLEANS, 6),
    link: at(LINKS, 7),
    masked: at(MASKED, 8),
  };
}

/** Attributes that carry decimals (amounts, units, NAVs, rates): what `numbers` respells. */
const DECIMAL_KEYS = new Set([
  'amount', 'currentBalance', 'balance', 'currentODLimit', 'drawingLimit', 'maturityAmount', 'principalAmount', 'recurringAmount',
  'interestPeriodicPayoutAmount', 'interestRate', 'currentValue', 'investmentValue', 'units', 'closingUnits', 'lienUnits', 'lockingUnits',
  'rate', 'nav', 'lastTradedPrice', 'tradeValue', 'otherCharges', 'totalCharge', 'cost', 'stt', 'value', 'faceValue', 'principleAmount',
  'accruedInterestAmount', 'couponRate', 'issueRate', 'lastTradedRate', 'freeUnits', 'blockedUnits', 'totalUnits', 'totalValueOfScheme',
  'amountInTransition', 'investmentCost', 'subscriberContribution', 'employerContribution', 'totalContribution', 'cumulativeUnits',
  'debtAssetValue', 'equityAssetValue', 'otherAssetValue', 'sumAssured', 'coverAmount', 'premiumAmount', 'maturityBenefit',
]);
const BOOLEAN_KEYS = new Set(['ckycCompliance', 'taxable']);
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

/** "20250187.87" -> "2.025018787E7", exactly (digits moved, never through a float). */
export function toScientific(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole = '', frac = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const digits = whole + frac;
  const first = digits.search(/[1-9]/);
  if (first < 0) return decimal;
  const mantissa = digits.slice(first).replace(/0+$/, '');
  const exponent = whole.length - 1 - first;
  return `${negative ? '-' : ''}${mantissa[0]}${mantissa.length > 1 ? `.${mantissa.slice(1)}` : ''}E${exponent}`;
}

function respellDateTime(value: string, style: MixedSpelling['dateTimes']): string {
  switch (style) {
    case 'Z':
      return value;
    case '+0000':
      return `${value.slice(0, -1)}+0000`;
    case 'none':
      return value.slice(0, -1);
    case '+05:30':
      return `${new Date(Date.parse(value) + 19_800_000).toISOString().slice(0, -1)}+05:30`;
  }
}

function lowerFirst(key: string): string {
  const c = key.charCodeAt(0);
  return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) + key.slice(1) : key;
}

/** The type-specific masked field, named after the holder's account id (`dematId` -> `maskedDematId`). */
function typeMaskedField(account: AccountInfo): string {
  const id = holderAccountIdOf(account.fiType);
  return id === undefined ? 'maskedAccNumber' : `masked${id[0]!.toUpperCase()}${id.slice(1)}`;
}

/** Respells an account built in the `finpro` shape. */
export function reshapeAccount(json: Record<string, unknown>, shape: Exclude<FiShape, 'finpro'>, seed: number, account: AccountInfo): Record<string, unknown> {
  const spelling: MixedSpelling =
    shape === 'lower'
      ? {
          containers: pick(2, seed, 0xba4e, account.key) === 0 ? 'bare' : 'lower',
          singleAsObject: false, emptyList: 'array', numbers: 'string', dateTimes: 'Z', booleans: 'string',
          link: 'linkReferenceNumber', masked: 'maskedAccountNumber',
        }
      : mixedSpellingOf(seed, account.fip.fipId);
  return respell(json, spelling, account);
}

function respell(json: Record<string, unknown>, s: MixedSpelling, account: AccountInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'linkReferenceNumber') out[s.link] = value;
    else if (key === 'maskedAccountNumber') {
      out[s.masked === 'type-specific' ? typeMaskedField(account) : s.masked] = value;
    } else if (key === 'Transactions' && s.containers === 'bare' && Array.isArray((value as Record<string, unknown>)['Transaction'])) {
      // A bare array of the transactions, as some AAs send it (startDate/endDate are lost).
      out['transactions'] = ((value as Record<string, unknown>)['Transaction'] as unknown[]).map((t) => walk(t, s));
    } else if (typeof value === 'object' && value !== null) {
      out[s.containers === 'capital' ? key : lowerFirst(key)] = walk(value, s);
    } else out[key] = value;
  }
  return out;
}

function walk(value: unknown, s: MixedSpelling): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, s));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(v)) {
      const name = s.containers === 'capital' ? key : lowerFirst(key);
      if (v.length === 0) {
        if (s.emptyList === 'array') out[name] = [];
        else if (s.emptyList === 'empty-string') out[name] = '';
      } else if (v.length === 1 && s.singleAsObject) out[name] = walk(v[0], s);
      else out[name] = walk(v, s);
    } else if (typeof v === 'object' && v !== null) {
      out[s.containers === 'capital' ? key : lowerFirst(key)] = walk(v, s);
    } else if (typeof v === 'string' && v !== '') {
      out[key] = respellValue(key, v, s);
    } else out[key] = v;
  }
  return out;
}

function respellValue(key: string, v: string, s: MixedSpelling): unknown {
  if (DECIMAL_KEYS.has(key) && DECIMAL.test(v)) {
    if (s.numbers === 'json') return Number(v);
    if (s.numbers === 'scientific') return toScientific(v);
    return v;
  }
  if (BOOLEAN_KEYS.has(key) && (v === 'true' || v === 'false')) {
    if (s.booleans === 'json') return v === 'true';
    if (s.booleans === 'Y') return v === 'true' ? 'Y' : 'N';
    return v;
  }
  if (s.dateTimes !== 'Z' && v.length >= 20 && v.charCodeAt(10) === 84 && DATE_TIME.test(v)) return respellDateTime(v, s.dateTimes);
  return v;
}
