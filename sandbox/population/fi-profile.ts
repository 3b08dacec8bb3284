import type { AccountInfo, ConsentInfo } from './consent-population.js';
import { FIRST_NAMES, LAST_NAMES } from './fip-catalog.js';
import { holderAccountIdOf } from './fi-types.js';
import { hash32, pick } from '../util/seeded-hash.js';

export interface HolderInfo {
  name: string;
  dob: string;
  mobile: string;
  email: string;
  pan: string;
}

/** The consent's customer: every account of a consent names the same person. */
export function customerOf(seed: number, consent: ConsentInfo): HolderInfo {
  const c = consent.index;
  const first = FIRST_NAMES[pick(FIRST_NAMES.length, seed, 0xf125, c)] ?? 'Asha';
  const last = LAST_NAMES[pick(LAST_NAMES.length, seed, 0x1a57, c)] ?? 'Kumar';
  const year = 1960 + pick(45, seed, 0xd0b, c);
  return {
    name: `${first} ${last}`,
    dob: `${year}-${String(1 + pick(12, seed, 0xd0b1, c)).padStart(2, '0')}-${String(1 + pick(28, seed, 0xd0b2, c)).padStart(2, '0')}`,
    mobile: `9${String(hash32(seed, 0x30b, c) % 1_000_000_000).padStart(9, '0')}`,
    email: `${first}.${last}${c}@example.com`.toLowerCase(),
    pan: `${'ABCDE'[c % 5]}${'PQRST'[(c >> 3) % 5]}${'KLMNO'[(c >> 6) % 5]}P${last[0]}${String(hash32(seed, 0xa1, c) % 10000).padStart(4, '0')}${'XYZ'[c % 3]}`,
  };
}

/** A depository account id: NSDL's `IN` + 14 digits or CDSL's 16 digits. */
export function dematIdOf(seed: number, account: AccountInfo): string {
  const digits = `${String(hash32(seed, 0xde1, account.key) % 100_000_000).padStart(8, '0')}${String(hash32(seed, 0xde2, account.key) % 100_000_000).padStart(8, '0')}`;
  return account.fip.fipId === 'CDSL-FIP' ? digits : `IN${digits.slice(2)}`;
}

export function folioOf(seed: number, account: AccountInfo): string {
  return `${1_000_000 + (hash32(seed, 0xf0110, account.key) % 9_000_000)}/${hash32(seed, 0xf0111, account.key) % 100}`;
}

export function pranOf(seed: number, account: AccountInfo): string {
  return `1100${String(hash32(seed, 0x9a4, account.key) % 100_000_000).padStart(8, '0')}`;
}

/**
 * ReBIT's Holders element. The holder's type-specific id (dematId, folioNo, pranId) is
 * `""` where the type has none: ReBIT lists the attribute, the FIP leaves it empty.
 */
export function profileOf(seed: number, consent: ConsentInfo, account: AccountInfo): Record<string, unknown> {
  const customer = customerOf(seed, consent);
  const holder: Record<string, unknown> = {
    name: customer.name,
    dob: customer.dob,
    mobile: customer.mobile,
    email: customer.email,
    pan: customer.pan,
    address: `${1 + pick(400, seed, 0xadd, consent.index)}, ${['MG Road', 'Park Street', 'Anna Salai', 'Linking Road'][pick(4, seed, 0xadd1, consent.index)]}, ${['Bengaluru', 'Kolkata', 'Chennai', 'Mumbai', 'Pune', 'Hyderabad'][pick(6, seed, 0xadd2, consent.index)]}`,
    nominee: pick(2, seed, 0x90e, account.key) === 0 ? 'REGISTERED' : 'NOT-REGISTERED',
    landline: '',
    ckycCompliance: 'true',
  };
  switch (holderAccountIdOf(account.fiType)) {
    case 'dematId':
      holder['dematId'] = dematIdOf(seed, account);
      break;
    case 'folioNo':
      holder['folioNo'] = folioOf(seed, account);
      break;
    case 'pranId':
      holder['pranId'] = pranOf(seed, account);
      break;
    case 'policyNumber':
    case undefined:
      break;
  }
  return { Holders: { type: 'SINGLE', Holder: [holder] } };
}
