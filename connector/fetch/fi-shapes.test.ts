import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileServer, type Mutator } from '../../integration_tests/support/hostile-server.js';
import { recordValidator } from '../../integration_tests/support/record-validator.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { holdingsOf, transactionsOf } from '../../sandbox/test-support/fi-shape-reader.js';
import { FI_BODY_CASES, SPELLINGS, respell, wrap } from '../fi-normalize/test-support/fi-bodies.js';
import { readyFiSession, sandboxClient } from '../finpro/test-support/fi-session.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { StateManager } from '../state/state-manager.js';
import { FiDataHarvester } from './fi-data-harvester.js';

type Obj = Record<string, any>;

/**
 * The harvester end to end over real HTTP, with a proxy serving the sandbox's FI data in each
 * shape the contract lists: FinPro's capitalised ReBIT elements and the other converters'
 * spellings, with one-element lists as objects, amounts in scientific notation or as JSON
 * numbers, and `+05:30` / `+0000` / bare offsets; every FI type rides along as extra accounts.
 * Counted against what was served: every transaction and holding is emitted, holders and
 * balances are filled, every record validates, timestamps are UTC and decimals exact.
 */
const FIDATA = '/getallfidata';

/** `1234.50` as `1.23450E3`: the same number, exactly. */
function scientific(text: string): string {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const digits = (whole + fraction).replace(/^0+/, '') || '0';
  const exponent = whole.replace(/^0+/, '').length - 1 - (whole.replace(/^0+/, '') === '' ? fraction.length - fraction.replace(/^0+/, '').length : 0);
  return `${negative ? '-' : ''}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}

/** The same instant in IST with `+05:30`, or `+0000`, or no offset. */
function offset(iso: string, style: 'ist' | 'compact' | 'bare'): string {
  const ms = Date.parse(iso);
  if (style === 'ist') return `${new Date(ms + 330 * 60_000).toISOString().slice(0, 19)}+05:30`;
  return `${iso.slice(0, 19)}${style === 'compact' ? '+0000' : ''}`;
}

/** Same value as an exact decimal comparison key: trailing fraction zeros dropped. */
const exact = (text: unknown) => (typeof text === 'string' ? text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : text);

interface Shape {
  name: string;
  spelling: keyof typeof SPELLINGS;
  singleObjects: boolean;
  amounts: 'string' | 'scientific' | 'number';
  times: 'ist' | 'compact' | 'bare' | 'asis';
}

const SHAPES: Shape[] = [
  { name: 'FinPro capitalised', spelling: 'capitalised', singleObjects: false, amounts: 'string', times: 'ist' },
  { name: 'capitalised, one-element lists as objects, scientific amounts', spelling: 'capitalised', singleObjects: true, amounts: 'scientific', times: 'compact' },
  { name: 'lower-camel containers, numbers', spelling: 'lowerCamel', singleObjects: false, amounts: 'number', times: 'bare' },
  { name: 'lower-case containers, single objects', spelling: 'lowercase', singleObjects: true, amounts: 'string', times: 'asis' },
  { name: 'snake_case containers', spelling: 'snake', singleObjects: false, amounts: 'scientific', times: 'ist' },
];

describe('FI data in every shape, end to end', () => {
  let sandbox: Sandbox;
  const sessions: { consentId: string; sessionId: string }[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ consents: 20, speed: 1000, seed: 73, rateLimit: { limit: 100_000, windowMs: 60_000 } });
    for (const consent of sandbox.consents('ACTIVE').slice(0, 3)) {
      sessions.push({ consentId: consent.id, sessionId: await readyFiSession(sandboxClient(sandbox), consent.id) });
    }
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it.each(SHAPES)('$name', async (shape) => {
    // What the proxy served, counted from the sandbox's answer before it was reshaped.
    const served = { accounts: 0, transactions: 0, holdings: 0, amounts: new Map<string, unknown>(), times: new Map<string, string>() };
    const reshape: Mutator = (a) => {
      if (a.route !== FIDATA || a.status >= 300) return { kind: 'pass' };
      const json = a.json as Obj;
      const extra = FI_BODY_CASES.map((c, i) => ({ ...wrap(c.fiType, c.body), linkReferenceNumber: `extra-${i}` }));
      // The sandbox serves FinPro's capitalised shape (every FI type); the proxy respells it.
      const accounts = [...(json['data'] as Obj[]), ...extra];
      served.accounts += accounts.length;
      for (const c of FI_BODY_CASES) {
        served.transactions += c.transactions;
        served.holdings += c.holdings;
      }
      for (const acc of json['data'] as Obj[]) {
        served.holdings += holdingsOf(acc).length;
        for (const t of transactionsOf(acc)) {
          served.transactions++;
          const key = `${acc['linkReferenceNumber']}|${t.txnId}`;
          if (t.amount !== undefined) served.amounts.set(key, exact(t.amount));
          // Insurance, SIP and NPS date their transactions (txnDate) without a time.
          const at = t.transactionTimestamp ?? t.transactionDateTime;
          if (at !== undefined) served.times.set(key, at);
        }
      }
      const body = accounts.map((acc) => {
        const out = respell(acc, SPELLINGS[shape.spelling]!, shape.singleObjects) as Obj;
        return mapLeaves(out, shape);
      });
      return { kind: 'json', body: { ...json, data: body } };
    };
    const proxy = await hostileServer(sandbox.url, reshape);
    const warnings: string[] = [];
    const sink = new CollectingSink();
    try {
      const state = new StateManager(['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings'], new Map(), sink);
      const harvester = new FiDataHarvester(sandboxClient(sandbox, proxy.url), state, Date.now, (m) => warnings.push(m));
      for (const s of sessions) expect(await harvester.harvest(s)).toMatchObject({ ok: true });
      expect(harvester.totals).toEqual({ accounts: served.accounts, transactions: served.transactions, holdings: served.holdings });
    } finally {
      await proxy.close();
    }
    const records = sink.messages.flatMap((m) => (m.type === 'RECORD' ? [m.record] : []));
    const by = (stream: string) => records.filter((r) => r.stream === stream).map((r) => r.data as Obj);
    expect(warnings).toEqual([]);
    expect(by('fi_data')).toHaveLength(served.accounts);
    expect(by('fi_accounts')).toHaveLength(served.accounts);
    expect(by('fi_transactions')).toHaveLength(served.transactions);
    expect(by('fi_holdings')).toHaveLength(served.holdings);
    expect(served.holdings).toBeGreaterThan(10);
    expect(served.amounts.size).toBeGreaterThan(100);
    for (const stream of ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']) {
      const validate = recordValidator(stream);
      for (const record of by(stream)) expect(validate(record) ? [] : validate.errors, stream).toEqual([]);
    }
    for (const account of by('fi_accounts')) {
      expect(account['holders'], account['link_reference_number']).toHaveLength(1);
      if (account['fi_type'] === 'DEPOSIT' || account['fi_type'] === 'PPF' || account['fi_type'] === 'EPF') expect(account['current_balance']).not.toBeNull();
      if (String(account['link_reference_number']).startsWith('extra-')) continue;
      // A deposit states its balance; term deposits, investments, NPS and policies a current value or sum assured.
      const filled = account['fi_type'] === 'DEPOSIT' ? 'current_balance' : account['fi_type'] === 'INSURANCE_POLICIES' ? 'sum_assured' : 'current_value';
      expect(account[filled], account['fi_type']).not.toBeNull();
    }
    const keys = new Set<string>();
    for (const t of by('fi_transactions')) {
      keys.add(`${t['session_id']}|${t['link_reference_number']}|${t['txn_id']}`);
      if (t['transaction_timestamp'] !== undefined) expect(t['transaction_timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const key = `${t['link_reference_number']}|${t['txn_id']}`;
      if (served.amounts.has(key)) expect(exact(t['amount']), key).toBe(served.amounts.get(key));
      if (served.times.has(key)) {
        expect(t['transaction_timestamp'], key).toBe(new Date(Date.parse(served.times.get(key)!)).toISOString().replace(/\.\d{3}Z$/, shape.times === 'asis' ? served.times.get(key)!.slice(19) : '.000Z'));
      }
    }
    expect(keys.size).toBe(served.transactions);
  });
});

const AMOUNT_KEYS = new Set(['amount', 'currentBalance', 'balance', 'units', 'nav', 'rate', 'price', 'tradeValue', 'currentValue', 'investmentValue', 'totalUnits', 'totalValueOfScheme']);
const TIME_KEYS = new Set(['transactionTimestamp', 'transactionDateTime', 'balanceDateTime']);

/** Rewrites amounts and date-times of every object as the shape says. */
function mapLeaves(value: unknown, shape: Shape): any {
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, shape));
  if (typeof value !== 'object' || value === null) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && AMOUNT_KEYS.has(k) && /^-?\d+(\.\d+)?$/.test(v)) {
      out[k] = shape.amounts === 'scientific' ? scientific(v) : shape.amounts === 'number' && v.replace(/[-.]/g, '').length <= 15 ? Number(v) : v;
    } else if (typeof v === 'string' && TIME_KEYS.has(k) && /Z$/.test(v) && shape.times !== 'asis') {
      out[k] = offset(v, shape.times);
    } else out[k] = mapLeaves(v, shape);
  }
  return out;
}
