import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PERSONAL_FIELDS, type PersonalData } from '../config.js';
import { PersonalDataPolicy } from './personal-data-policy.js';

const KEY = '00112233445566778899aabbccddeeff';
const OTHER_KEY = 'ffeeddccbbaa99887766554433221100';
const hmac = (text: string, key = KEY) => createHmac('sha256', Buffer.from(key, 'hex')).update(text).digest('hex');
const policy = (config: Partial<PersonalData>) => PersonalDataPolicy.of({ mode: 'hash', hash_key: KEY, fields: DEFAULT_PERSONAL_FIELDS, ...config })!;

const holder = { name: 'Asha Kumar', dob: '1990-01-01', mobile: '9876543210', email: 'asha@example.com', pan: 'ABCPK1234X', address: 'Pune', landline: '', nominee: 'REGISTERED', ckycCompliance: 'true' };

/** FinPro's capitalised shape, with a one-holder list as an object and ids in other spellings. */
const capitalised = () => ({
  linkReferenceNumber: 'L1',
  bank: 'Example Bank',
  Profile: { Holders: { type: 'SINGLE', Holder: { ...holder } } },
  Summary: { currentBalance: '10.00', Investment: { Holdings: { Holding: [{ isin: 'INE000A01', folioNo: 'F-77', dematID: 'IN300-1', issuerName: 'Acme', name: 'Acme Growth Fund', holder1Name: 'Asha Kumar', holder2Name: '', email: 'asha@example.com' }] } } },
  Transactions: { Transaction: [{ txnId: 'T1', amount: '1.00', narration: 'UPI/CR/Ravi/123456' }] },
});

describe('PersonalDataPolicy', () => {
  it('is null for keep, so the hot path skips it', () => {
    expect(PersonalDataPolicy.of({ mode: 'keep', fields: DEFAULT_PERSONAL_FIELDS })).toBeNull();
    expect(PersonalDataPolicy.of({ mode: 'hash', hash_key: KEY, fields: [] })).toBeNull();
  });

  it('hashes holder fields with HMAC-SHA-256 of the key, in FinPro\'s capitalised shape, and ids anywhere', () => {
    const out = policy({}).apply({ session_id: 's', data: capitalised() });
    const data = out['data'] as ReturnType<typeof capitalised>;
    expect(data.Profile.Holders.Holder).toEqual({
      ...holder,
      name: hmac('Asha Kumar'),
      dob: hmac('1990-01-01'),
      mobile: hmac('9876543210'),
      email: hmac('asha@example.com'),
      pan: hmac('ABCPK1234X'),
      address: hmac('Pune'),
    });
    const holding = data.Summary.Investment.Holdings.Holding[0]!;
    // A mutual-fund holding names its holders and their email outside any holder object.
    expect(holding).toEqual({
      isin: 'INE000A01',
      folioNo: hmac('F-77'),
      dematID: hmac('IN300-1'),
      issuerName: 'Acme',
      name: 'Acme Growth Fund',
      holder1Name: hmac('Asha Kumar'),
      holder2Name: '',
      email: hmac('asha@example.com'),
    });
    // Narration is not a default field; the bank's name is not a holder's.
    expect(data.Transactions.Transaction[0]!.narration).toBe('UPI/CR/Ravi/123456');
    expect(data.bank).toBe('Example Bank');
  });

  it('covers lower-case and snake_case spellings, holder lists, and the normalized holders column', () => {
    const p = policy({});
    const raw = { profile: { holders: { holder: [{ name: 'A B', pan: 'P1' }, { Name: 'C D', PAN: 'P2', demat_id: 'D1', pran_id: 'R1', folio_no: 'F1' }] } } };
    expect(p.apply({ data: raw })).toEqual({
      data: { profile: { holders: { holder: [{ name: hmac('A B'), pan: hmac('P1') }, { Name: hmac('C D'), PAN: hmac('P2'), demat_id: hmac('D1'), pran_id: hmac('R1'), folio_no: hmac('F1') }] } } },
    });
    expect(p.apply({ holders: [{ name: 'A B', email: 'a@b.c' }], holders_type: 'SINGLE', bank: 'X' })).toEqual({ holders: [{ name: hmac('A B'), email: hmac('a@b.c') }], holders_type: 'SINGLE', bank: 'X' });
    // A holding's normalized columns, whatever a new FI stream names them.
    expect(p.apply({ isin: 'INE1', folio: 'F1', folio_number: 'F2', demat_id: 'D1', scheme_name: 'S' })).toEqual({ isin: 'INE1', folio: hmac('F1'), folio_number: hmac('F2'), demat_id: hmac('D1'), scheme_name: 'S' });
  });

  it('hashes one value alike everywhere with one key, differently with another', () => {
    const a = policy({}).apply({ pan: 'ABCPK1234X' });
    const b = policy({}).apply({ holders: [{ pan: 'ABCPK1234X' }] });
    const c = policy({ hash_key: OTHER_KEY }).apply({ pan: 'ABCPK1234X' });
    expect(a['pan']).toBe((b['holders'] as Array<Record<string, unknown>>)[0]!['pan']);
    expect(c['pan']).not.toBe(a['pan']);
    expect(c['pan']).toBe(hmac('ABCPK1234X', OTHER_KEY));
  });

  it('hashes narrations in every transaction list and the narration column when asked', () => {
    const p = policy({ fields: ['narration'] });
    const nps = { Tier1SchemeTransactions: { Tier1SchemeTransaction: [{ narration: 'n1' }] }, transactions: [{ narration: 'n2' }] };
    expect(p.apply({ data: nps })).toEqual({ data: { Tier1SchemeTransactions: { Tier1SchemeTransaction: [{ narration: hmac('n1') }] }, transactions: [{ narration: hmac('n2') }] } });
    expect(p.apply({ txn_id: 'T1', narration: 'UPI/Ravi' })).toEqual({ txn_id: 'T1', narration: hmac('UPI/Ravi') });
  });

  it('replaces an identifier where another column of the record embeds it, hashed or dropped', () => {
    const holding = { session_id: 's', holding_id: 'INF846K01EW2:9876543/21', isin: 'INF846K01EW2', folio_no: '9876543/21', demat_id: null, units: '1.5' };
    expect(policy({}).apply(holding)).toEqual({ ...holding, holding_id: `INF846K01EW2:${hmac('9876543/21')}`, folio_no: hmac('9876543/21') });
    const drop = PersonalDataPolicy.of({ mode: 'drop', fields: DEFAULT_PERSONAL_FIELDS })!;
    expect(drop.apply(holding)).toEqual({ ...holding, holding_id: 'INF846K01EW2:[dropped]', folio_no: null });
    // Short values are not searched for inside other text.
    expect(policy({}).apply({ pan: 'P1', txn_id: 'P1-7' })).toEqual({ pan: hmac('P1'), txn_id: 'P1-7' });
  });

  it('drop keeps ids unique: distinct identifiers an account\'s ids embed become [dropped], [dropped-2]... in the order first seen', () => {
    const drop = PersonalDataPolicy.of({ mode: 'drop', fields: DEFAULT_PERSONAL_FIELDS })!;
    const holding = (link: string, folio: string) => ({ session_id: 's', link_reference_number: link, holding_id: `INF846K01EW2:${folio}`, folio_no: folio });
    // One account, one scheme in two folios: without numbering both ids would read INF846K01EW2:[dropped], one primary key.
    const ids = [holding('L1', '1111111/01'), holding('L1', '2222222/02'), holding('L2', '3333333/03'), holding('L1', '1111111/01')].map((h) => drop.apply(h)['holding_id']);
    expect(ids).toEqual(['INF846K01EW2:[dropped]', 'INF846K01EW2:[dropped-2]', 'INF846K01EW2:[dropped]', 'INF846K01EW2:[dropped]']);
    // The same account read again (a later sync, a resumed one) numbers alike.
    const again = PersonalDataPolicy.of({ mode: 'drop', fields: DEFAULT_PERSONAL_FIELDS })!;
    expect([holding('L1', '1111111/01'), holding('L1', '2222222/02')].map((h) => again.apply(h)['holding_id'])).toEqual(ids.slice(0, 2));
  });

  it('does not hash a name or an address outside a holder object', () => {
    const record = { scheme_name: 'S', name: 'Acme Growth Fund', data: { Summary: { branch: 'B', address: 'MG Road branch', Holdings: { Holding: { name: 'Bond 2030', holderType: 'SOLE' } } } } };
    expect(policy({}).apply(record)).toBe(record);
  });

  it('hashes numbers and structured values as text, and leaves null and empty values', () => {
    const out = policy({}).apply({ holders: [{ mobile: 9876543210, address: { line1: 'a', city: 'b' }, email: null, landline: '' }] });
    expect(out).toEqual({ holders: [{ mobile: hmac('9876543210'), address: hmac('{"line1":"a","city":"b"}'), email: null, landline: '' }] });
  });

  it('drop: removes nested keys, nulls the record\'s own columns, everywhere the hash would go', () => {
    const p = PersonalDataPolicy.of({ mode: 'drop', fields: [...DEFAULT_PERSONAL_FIELDS, 'narration'] })!;
    const out = p.apply({ folio_no: 'F-1', narration: 'x', data: capitalised() });
    expect(out['folio_no']).toBeNull();
    expect(out['narration']).toBeNull();
    const data = out['data'] as ReturnType<typeof capitalised>;
    expect(data.Profile.Holders.Holder).toEqual({ nominee: 'REGISTERED', ckycCompliance: 'true' });
    expect(data.Summary.Investment.Holdings.Holding[0]).toEqual({ isin: 'INE000A01', issuerName: 'Acme', name: 'Acme Growth Fund' });
    expect(data.Transactions.Transaction[0]).toEqual({ txnId: 'T1', amount: '1.00' });
  });

  it('never changes its input, and shares what it does not change', () => {
    const raw = capitalised();
    const before = JSON.stringify(raw);
    const out = policy({}).apply({ data: raw });
    expect(JSON.stringify(raw)).toBe(before);
    const data = out['data'] as ReturnType<typeof capitalised>;
    expect(data.Transactions).toBe(raw.Transactions);
    expect(data.Profile).not.toBe(raw.Profile);
  });
});
