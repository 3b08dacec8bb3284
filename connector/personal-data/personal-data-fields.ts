import type { PersonalField } from '../config.js';

/**
 * Where each personal field may sit, and how its key is recognised. FinPro's contract spells
 * a field several ways (`dematId`, `dematID`, `demat_id`, `DematId`), so keys are compared
 * lower-cased with `_` and `-` removed.
 *
 * `holderKeys` count only inside a holder object (under a `Holder`/`Holders` key in any
 * spelling): `name` elsewhere is a bank's, scheme's or issuer's name, and `address` a
 * branch's. `anywhereKeys` name the person wherever they appear: a date of birth, mobile or
 * email is always a person's, and ReBIT's mutual-fund holdings carry `holder1Name`,
 * `holder2Name` and the holder's `email` outside any holder object; ids (PAN, demat, PRAN,
 * folio) and narrations are personal in any list.
 */
export interface FieldRule {
  holderKeys: string[];
  anywhereKeys: string[];
  /** Normalized keys matching this count anywhere too (`holder1Name`, `holderName`...). */
  anywherePattern?: RegExp;
  /** An identifier that other columns may embed (a holding id built from the folio). */
  identifier?: true;
}

export const PERSONAL_FIELD_RULES: Record<PersonalField, FieldRule> = {
  name: { holderKeys: ['name'], anywhereKeys: [], anywherePattern: /^holder\d*name$/ },
  address: { holderKeys: ['address'], anywhereKeys: [] },
  dob: { holderKeys: [], anywhereKeys: ['dob', 'dateofbirth'] },
  mobile: { holderKeys: [], anywhereKeys: ['mobile', 'mobileno', 'mobilenumber'] },
  email: { holderKeys: [], anywhereKeys: ['email', 'emailid', 'emailaddress'] },
  landline: { holderKeys: [], anywhereKeys: ['landline', 'landlineno', 'landlinenumber'] },
  pan: { holderKeys: [], anywhereKeys: ['pan', 'panno', 'pannumber'], identifier: true },
  dematId: { holderKeys: [], anywhereKeys: ['dematid'], identifier: true },
  pranId: { holderKeys: [], anywhereKeys: ['pranid'], identifier: true },
  folioNo: { holderKeys: [], anywhereKeys: ['foliono', 'folionumber', 'folio'], identifier: true },
  narration: { holderKeys: [], anywhereKeys: ['narration'] },
};

export type FieldScope = 'holder' | 'anywhere';

/** Keys whose value holds holder objects: `Holders`, `Holder`, `holders` (fi_accounts' column). */
const HOLDER_CONTAINER_KEYS = new Set(['holder', 'holders']);

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** What a key means to the policy: a personal field in some scope, a container of holders, or nothing. */
export type KeyRole = { kind: 'field'; scope: FieldScope; identifier?: true } | { kind: 'holders' } | null;

export function keyRoles(fields: readonly PersonalField[]): (key: string) => KeyRole {
  const anywhere: KeyRole = { kind: 'field', scope: 'anywhere' };
  const identifier: KeyRole = { kind: 'field', scope: 'anywhere', identifier: true };
  const inHolder: KeyRole = { kind: 'field', scope: 'holder' };
  const holders: KeyRole = { kind: 'holders' };
  const byNormalized = new Map<string, KeyRole>();
  const patterns: RegExp[] = [];
  for (const field of fields) {
    const rule = PERSONAL_FIELD_RULES[field];
    for (const key of rule.holderKeys) byNormalized.set(key, inHolder);
    for (const key of rule.anywhereKeys) byNormalized.set(key, rule.identifier ? identifier : anywhere);
    if (rule.anywherePattern !== undefined) patterns.push(rule.anywherePattern);
  }
  const roleOf = (normalized: string): KeyRole =>
    byNormalized.get(normalized) ?? (patterns.some((p) => p.test(normalized)) ? anywhere : HOLDER_CONTAINER_KEYS.has(normalized) ? holders : null);
  // Raw keys repeat on every record: normalize each spelling once.
  const cache = new Map<string, KeyRole>();
  return (key) => {
    let role = cache.get(key);
    if (role === undefined) {
      role = roleOf(normalizeKey(key));
      if (cache.size < 10_000) cache.set(key, role);
    }
    return role;
  };
}
