import type { HostileAnswer, Mutator, UpstreamAnswer } from '../support/hostile-server.js';
import { mapObjects } from './json-mutation.js';

/**
 * The fixed corpus of a lying FinPro server: one named way to break (or merely stretch) each
 * endpoint. `expect: 'error'` cases must end in a TRACE ERROR of one of `failureTypes`;
 * `'ok'` cases are within the contract (unknown enums, extra fields, amounts as numbers,
 * holder as object, a repeated page) and must deliver what an honest server does;
 * `'either'` cases may go either way but never crash, hang or lose data.
 */
export type Mode = 'bulk' | 'single' | 'file';
export type Expectation = 'error' | 'ok' | 'either';

export interface HostileCase {
  name: string;
  mode: Mode;
  expect: Expectation;
  /** Allowed failure types of an 'error' (never config_error: the user's input is fine). */
  failureTypes?: ('system_error' | 'transient_error')[];
  /** A WARN log must mention this (unknown enums). */
  warns?: RegExp;
  /** Rides the client's full retry budget (~20-30 s). */
  slow?: boolean;
  /** The connector does not meet this case today (reported); the test is `it.fails` until fixed. */
  knownBug?: string;
  mutator: Mutator;
}

const SCHEDULE = '/v2/schedule/fi/requests';
const UPLOAD = '/fi/requests/schedule/upload/v3';
const STATUS = '/bulk/status';
const FIDATA = '/getallfidata';
const FIREQ = '/fi/request';
const FISTATUS = '/consent/firequest/status';
const SYSTEM = ['system_error'] as ('system_error' | 'transient_error')[];
const TRANSIENT = ['transient_error'] as ('system_error' | 'transient_error')[];
const ANY = ['system_error', 'transient_error'] as ('system_error' | 'transient_error')[];

const NGINX_502 = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
const LOGIN_PAGE = '<!DOCTYPE html><html><body><form action="/login">Session expired, please sign in</form></body></html>';

type Edit = (json: Record<string, any>, answer: UpstreamAnswer) => unknown;

/** Rewrites the JSON of 2xx answers on `route`, from the `fromNth` answer on. */
function onJson(route: string, edit: Edit, fromNth = 1): Mutator {
  return (answer) => {
    if (answer.route !== route || answer.nth < fromNth || answer.status >= 300 || answer.json === undefined) return { kind: 'pass' };
    return { kind: 'json', body: edit(structuredClone(answer.json) as Record<string, any>, answer) };
  };
}

/** Applies `mutator` to the nth answer of its route only. */
function onlyNth(nth: number, mutator: Mutator): Mutator {
  return (answer) => (answer.nth === nth ? mutator(answer) : { kind: 'pass' });
}

function replace(route: string, with_: HostileAnswer, fromNth = 1): Mutator {
  return (answer) => (answer.route === route && answer.nth >= fromNth ? with_ : { kind: 'pass' });
}

function envelope200(): Record<string, unknown> {
  return { ver: '1.0', timestamp: new Date().toISOString(), txnid: 't-1', errorCode: 'InternalError', errorMsg: 'Something went wrong' };
}

/** An account's transaction list in FinPro's shape (the sandbox's default), or the lower-case one. */
function txnsOf(account: Record<string, any> | undefined): Array<Record<string, any>> {
  const list = account?.['Transactions']?.Transaction ?? account?.['transactions'];
  return Array.isArray(list) ? list : [];
}

function eachTxn(json: Record<string, any>, fn: (txn: Record<string, any>) => void): Record<string, any> {
  for (const account of Array.isArray(json['data']) ? json['data'] : []) for (const txn of txnsOf(account)) fn(txn);
  return json;
}

export const HOSTILE_CORPUS: HostileCase[] = [
  // --- schedule ---
  { name: 'schedule: answer without data', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(SCHEDULE, (j) => ({ ...j, data: undefined })) },
  { name: 'schedule: 200 with an error envelope', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(SCHEDULE, () => envelope200()) },
  { name: 'schedule: data is a string', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(SCHEDULE, (j) => ({ ...j, data: 'ok' })) },
  { name: 'schedule: batch_id missing', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(SCHEDULE, (j) => ({ ...j, data: { ...j['data'], batch_id: undefined } })) },
  { name: 'schedule: batch_id is an object', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(SCHEDULE, (j) => ({ ...j, data: { ...j['data'], batch_id: { id: 1 } } })) },
  { name: 'schedule: negative total_records', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(SCHEDULE, (j) => ({ ...j, data: { ...j['data'], total_records: -12 } })) },
  { name: 'upload: answer without data', mode: 'file', expect: 'error', failureTypes: SYSTEM, mutator: onJson(UPLOAD, (j) => ({ ...j, data: undefined })) },
  // The upload took effect upstream; the unreadable answer is ambiguous, so the connector looks
  // the reference up and adopts the batch: within the contract, it must succeed.
  { name: 'upload: 200 login page (HTML) after the upload took effect', mode: 'file', expect: 'ok', mutator: replace(UPLOAD, { kind: 'text', status: 200, body: LOGIN_PAGE }) },
  // --- bulk status ---
  { name: 'status: records is a string', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => ({ ...j, data: { ...j['data'], records: 'none' } }), 2) },
  { name: 'status: a record without consent_id', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => { const r = j['data']?.records; if (Array.isArray(r) && r[0]) delete r[0].consent_id; return j; }, 2) },
  { name: 'status: row status is a number', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => { const r = j['data']?.records; if (Array.isArray(r) && r[0]) r[0].status = 3; return j; }, 2) },
  { name: 'status: batch_status missing', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => ({ ...j, data: { ...j['data'], batch_status: undefined } }), 2) },
  { name: 'status: negative summary counts', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => ({ ...j, data: { ...j['data'], summary: { total: -5, ready: -1, in_progress: 0, completed: 0, failed: 0 } } }), 2) },
  { name: 'status: negative total_pages', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => ({ ...j, data: { ...j['data'], pagination: { ...j['data']?.pagination, total_pages: -1 } } }), 2) },
  { name: 'status: 200 with an error envelope', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(STATUS, () => envelope200(), 2) },
  { name: 'status: has_next forever (empty pages past the end)', mode: 'bulk', expect: 'either', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => ({ ...j, data: { ...j['data'], pagination: { ...j['data']?.pagination, has_next: true, total_pages: 999 } } })) },
  { name: 'status: total_pages 1 while has_next says more', mode: 'bulk', expect: 'either', failureTypes: SYSTEM, mutator: onJson(STATUS, (j) => ({ ...j, data: { ...j['data'], pagination: { ...j['data']?.pagination, total_pages: 1 } } })) },
  {
    name: 'status: page 2 repeats page 1 every other time',
    mode: 'bulk',
    expect: 'ok',
    mutator: (() => {
      let firstPage: unknown;
      return onJson(STATUS, (j, answer) => {
        if (j['data']?.pagination?.page === 1) firstPage = j['data'].records;
        if (j['data']?.pagination?.page === 2 && answer.nth % 2 === 0 && firstPage !== undefined) return { ...j, data: { ...j['data'], records: firstPage } };
        return j;
      });
    })(),
  },
  { name: 'status: 503 nginx HTML page', mode: 'bulk', expect: 'error', failureTypes: TRANSIENT, slow: true, mutator: replace(STATUS, { kind: 'text', status: 503, body: NGINX_502 }, 2) },
  { name: 'status: 200 HTML page', mode: 'bulk', expect: 'error', failureTypes: ANY, slow: true, mutator: replace(STATUS, { kind: 'text', status: 200, body: LOGIN_PAGE }, 2) },
  { name: 'status: truncated JSON with 200', mode: 'bulk', expect: 'error', failureTypes: ANY, slow: true, mutator: (a) => (a.route === STATUS && a.nth >= 2 ? { kind: 'text', status: 200, body: a.text.slice(0, Math.floor(a.text.length / 2)), contentType: 'application/json' } : { kind: 'pass' }) },
  // --- FI data ---
  { name: 'getallfidata: data is an object', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FIDATA, (j) => ({ ...j, data: { accounts: j['data'] } }), 3) },
  { name: 'getallfidata: 200 with an error envelope', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FIDATA, () => envelope200(), 3) },
  { name: 'getallfidata: amount is an object', mode: 'bulk', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FIDATA, (j) => eachTxn(j, (t) => (t['amount'] = { value: t['amount'] }))) },
  { name: 'getallfidata: slow answer, then the connection reset', mode: 'bulk', expect: 'error', failureTypes: TRANSIENT, slow: true, mutator: replace(FIDATA, { kind: 'reset', afterMs: 300 }, 3) },
  // One answer only (the second): the case is about a single huge field, and giving every answer
  // one made ten 5 MB round trips through the proxy, which outran the time limit on a busy CI box.
  { name: 'getallfidata: 5 MB of narration in one transaction', mode: 'bulk', expect: 'either', failureTypes: SYSTEM, mutator: onlyNth(2, onJson(FIDATA, (j) => { let done = false; return eachTxn(j, (t) => { if (!done) t['narration'] = 'N'.repeat(5_000_000); done = true; }); }, 2)) },
  { name: 'getallfidata: 25 MB non-JSON body with 200', mode: 'bulk', expect: 'error', failureTypes: ANY, slow: true, mutator: replace(FIDATA, { kind: 'text', status: 200, body: '<html>' + 'x'.repeat(25_000_000), contentType: 'text/html' }, 3) },
  // --- single FI requests ---
  { name: 'fi/request: sessionId missing', mode: 'single', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FIREQ, (j) => ({ ...j, data: { ...j['data'], sessionId: undefined } })) },
  { name: 'tolerated: a well-formed sessionId FinPro never issued (recovered by consent lookup)', mode: 'single', expect: 'ok', mutator: onJson(FIREQ, (j) => ({ ...j, data: { ...j['data'], sessionId: `${String(j['data']?.sessionId)}-x` } })) },
  { name: 'fi/request: invented 2 MB sessionId', mode: 'single', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FIREQ, (j) => ({ ...j, data: { ...j['data'], sessionId: 'x'.repeat(2_000_000) } })) },
  { name: 'fi/request: 200 with an error envelope', mode: 'single', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FIREQ, () => envelope200()) },
  { name: 'firequest/status: eventStatus is a number', mode: 'single', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FISTATUS, (j) => ({ ...j, data: { ...j['data'], eventStatus: 5 } })) },
  { name: 'firequest/status: linkRefNumbers is a string', mode: 'single', expect: 'error', failureTypes: SYSTEM, mutator: onJson(FISTATUS, (j) => ({ ...j, data: { ...j['data'], linkRefNumbers: 'none' } })) },
  // --- within the contract: must succeed ---
  { name: 'tolerated: unknown batch_status while running', mode: 'bulk', expect: 'ok', mutator: onJson(STATUS, (j) => (j['data']?.batch_status === 'IN_PROGRESS' || j['data']?.batch_status === 'READY' ? { ...j, data: { ...j['data'], batch_status: 'PROCESSING_V2' } } : j)) },
  { name: 'tolerated: unknown retry_eligible on failed rows', mode: 'bulk', expect: 'ok', warns: /Maybe/, mutator: onJson(STATUS, (j) => { for (const r of j['data']?.records ?? []) if (r.status === 'FAILED' && r.retry_eligible === 'No') r.retry_eligible = 'Maybe'; return j; }) },
  {
    name: 'tolerated: unknown fiType, transaction type and mode are warned about',
    mode: 'bulk',
    expect: 'ok',
    warns: /CRYPTO|REVERSAL|NEFT/,
    mutator: onJson(FIDATA, (j) => { for (const a of Array.isArray(j['data']) ? j['data'] : []) { a.fiType = 'CRYPTO'; for (const t of txnsOf(a)) { t.type = 'REVERSAL'; t.mode = 'NEFT'; } } return j; }),
  },
  { name: 'tolerated: unknown fiStatus in a session', mode: 'single', expect: 'ok', mutator: onJson(FISTATUS, (j) => { for (const l of j['data']?.linkRefNumbers ?? []) if (l.fiStatus === 'DELIVERED') l.fiStatus = 'ARCHIVED_V2'; return j; }) },
  { name: 'tolerated: extra fields in every object of every answer', mode: 'bulk', expect: 'ok', mutator: (a) => (a.json !== undefined && a.status < 300 ? { kind: 'json', body: mapObjects(a.json, (o) => ({ ...o, x_vendor_extra: { since: 'v9', list: [1, 2] } })) } : { kind: 'pass' }) },
  { name: 'tolerated: extra fields, single FI requests', mode: 'single', expect: 'ok', mutator: (a) => (a.json !== undefined && a.status < 300 ? { kind: 'json', body: mapObjects(a.json, (o) => ({ ...o, x_vendor_extra: true })) } : { kind: 'pass' }) },
  { name: 'tolerated: every amount as a JSON number', mode: 'bulk', expect: 'ok', mutator: onJson(FIDATA, (j) => { for (const a of Array.isArray(j['data']) ? j['data'] : []) { const summary = a.Summary ?? a.summary; if (summary && typeof summary.currentBalance === 'string') summary.currentBalance = Number(summary.currentBalance); for (const t of txnsOf(a)) { if (typeof t.amount === 'string') t.amount = Number(t.amount); if (typeof t.currentBalance === 'string') t.currentBalance = Number(t.currentBalance); } } return j; }) },
  { name: 'tolerated: holder as an object', mode: 'bulk', expect: 'ok', mutator: onJson(FIDATA, (j) => { for (const a of Array.isArray(j['data']) ? j['data'] : []) { const h = a.Profile?.Holders; if (h && Array.isArray(h.Holder)) h.Holder = h.Holder[0]; } return j; }) },
];
