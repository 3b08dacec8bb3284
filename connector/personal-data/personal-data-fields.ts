import type { PersonalField } from '../config.js';

/**
 * Where each personal field may sit, and how its key is recognised. FinPro's contract spells
 * a field several ways (`dematId`, `dematID`, `demat_id`, `DematId`), so keys are compared
 * lower-cased with `_` and `-` removed.
 *
 * `holder`: only inside a holder object (under a `Holder`/`Holders` key in any spelling):
 * `name` elsewhere is a bank's, scheme's or issuer's name, not a person's.
 * `anywhere`: an identifier of the person wherever it appears (a folio in a holding, a PAN in
 * a nominee block, a narration in any transaction list).
 */
export type FieldScope = 'holder' | 'anywhere';

export const PERSONAL_FIELD_RULES: Record<PersonalField, { scope: FieldScope; keys: string[] }> = {
  name: { scope: 'holder', keys: ['name'] },
  dob: { scope: 'holder', keys: ['dob', 'dateofbirth'] },
  mobile: { scope: 'holder', keys: ['mobile', 'mobileno', 'mobilenumber'] },
  email: { scope: 'holder', keys: ['email', 'emailid', 'emailaddress'] },
  address: { scope: 'holder', keys: ['address'] },
  landline: { scope: 'holder', keys: ['landline', 'landlineno', 'landlinenumber'] },
  pan: { scope: 'anywhere', keys: ['pan', 'panno', 'pannumber'] },
  dematId: { scope: 'anywhere', keys: ['dematid'] },
  pranId: { scope: 'anywhere', keys: ['pranid'] },
  folioNo: { scope: 'anywhere', keys: ['foliono', 'folionumber', 'folio'] },
  narration: { scope: 'anywhere', keys: ['narration'] },
};

/** Keys whose value holds holder objects: `Holders`, `Holder`, `holders` (fi_accounts' column). */
const HOLDER_CONTAINER_KEYS = new Set(['holder', 'holders']);

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** What a key means to the policy: a personal field in some scope, a container of holders, or nothing. */
export type KeyRole = { kind: 'field'; scope: FieldScope } | { kind: 'holders' } | null;

export function keyRoles(fields: readonly PersonalField[]): (key: string) => KeyRole {
  const byNormalized = new Map<string, KeyRole>();
  for (const field of fields) for (const key of PERSONAL_FIELD_RULES[field].keys) byNormalized.set(key, { kind: 'field', scope: PERSONAL_FIELD_RULES[field].scope });
  const holders: KeyRole = { kind: 'holders' };
  // Raw keys repeat on every record: normalize each spelling once.
  const cache = new Map<string, KeyRole>();
  return (key) => {
    let role = cache.get(key);
    if (role === undefined && !cache.has(key)) {
      const normalized = normalizeKey(key);
      role = byNormalized.get(normalized) ?? (HOLDER_CONTAINER_KEYS.has(normalized) ? holders : null);
      if (cache.size < 10_000) cache.set(key, role);
    }
    return role ?? null;
  };
}
