import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finproAuthHeaders, finproUrl } from '../../connector/finpro/finpro-headers.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from '../../connector/load/test-support/postgres-test-db.js';
import { STREAM_NAMES } from '../../connector/streams/stream-registry.js';
import type { Sandbox } from '../../sandbox/index.js';
import { makeTempDir, recordSchemaErrors, useSandbox, writeInputFile } from '../support/index.js';
import { duckdbQuery, runCli } from '../load/load-harness.js';
import { readAll } from '../read/read-harness.js';

/**
 * Issue 15's "done when", through the built CLI against the sandbox: personal data hashed or
 * dropped everywhere on stdout (raw fi_data objects included), hashes stable per key, and FI
 * rows purged after their data life while the bulk history stays.
 *
 * The identifiers are taken from what the sandbox serves (/getallfidata), found by walking
 * the JSON for holder objects in any spelling, not from fixed paths: the body's shape may
 * change (capitalised `Profile.Holders.Holder`, one holder as an object...).
 */

const KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const OTHER_KEY = '00112233445566778899aabbccddeeff';
/** Every FI stream there is (a new one, such as holdings, is covered without an edit here). */
const FI_STREAMS: string[] = STREAM_NAMES.filter((name) => name.startsWith('fi_'));
const STREAMS = ['fi_data', 'fi_accounts', 'fi_transactions'];
/** Every field, narration included: a narration may name a person (a UPI payee), so "no identifier anywhere" needs it. */
const ALL_FIELDS = ['name', 'dob', 'mobile', 'email', 'pan', 'address', 'landline', 'dematId', 'pranId', 'folioNo', 'narration'];
const hmac = (text: string, key: string) => createHmac('sha256', Buffer.from(key, 'hex')).update(text).digest('hex');

/** Throws under CI=true when Postgres is down: CI must not pass by skipping the database. */
const pgAvailable = await postgresAvailable();

const HOLDER_FIELD = /^(name|dob|mobile|email|pan|address|landline)$/i;
/** A person's wherever they are: ids, contact details, and holder names as mutual-fund holdings spell them. */
const ANYWHERE_FIELD = /^(pan|demat_?id|pran_?id|folio_?no|dob|mobile|email|landline|holder_?\d*_?name)$/i;

interface Served {
  holderValues: Set<string>;
  pans: Set<string>;
  narrations: Set<string>;
  /** How the served JSON spells it: `Holders`/`holders`..., and `holder:object` where one holder came as a single object. */
  spellings: Set<string>;
  /** The personal keys that carried a value, lower-cased without `_`: which fields the checks cover. */
  fields: Set<string>;
}

/** Every personal value in the served JSON: holder fields inside holder objects, ids and narrations anywhere. */
function walkServed(value: unknown, inHolder: boolean, out: Served): void {
  if (Array.isArray(value)) {
    for (const item of value) walkServed(item, inHolder, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' || typeof child === 'number') {
      const text = String(child);
      if (text === '') continue;
      if ((inHolder && HOLDER_FIELD.test(key)) || ANYWHERE_FIELD.test(key)) {
        out.holderValues.add(text);
        out.fields.add(key.toLowerCase().replaceAll('_', ''));
      }
      if (/^pan$/i.test(key)) out.pans.add(text);
      if (/^narration$/i.test(key)) out.narrations.add(text);
    } else {
      if (/^(profile|holders?)$/i.test(key)) out.spellings.add(key);
      if (/^holder$/i.test(key) && child !== null && !Array.isArray(child)) out.spellings.add(`${key}:object`);
      walkServed(child, inHolder || /^holders?$/i.test(key), out);
    }
  }
}

async function served(sandbox: Sandbox, consentIds: string[]): Promise<Served> {
  const out: Served = { holderValues: new Set(), pans: new Set(), narrations: new Set(), spellings: new Set(), fields: new Set() };
  for (const consentID of consentIds) {
    const response = await fetch(finproUrl(sandbox.url, '/getallfidata'), {
      method: 'POST',
      headers: { ...finproAuthHeaders(sandbox.credentials), 'Content-Type': 'application/json' },
      body: JSON.stringify({ consentID }),
    });
    expect(response.status, `getallfidata ${consentID}`).toBe(200);
    walkServed(((await response.json()) as { data: unknown }).data, false, out);
  }
  return out;
}

describe('personal data on stdout (built CLI, sandbox)', () => {
  const sandbox = useSandbox({ consents: 40, speed: 50, seed: 15 });
  const read = (personal_data: Record<string, unknown>) =>
    readAll(sandbox(), ids(), { streams: FI_STREAMS, extra: { personal_data } }).then((output) => {
      expect(output.exitCode, output.stderr).toBe(0);
      expect(recordSchemaErrors(output)).toEqual([]);
      return output;
    });
  const ids = () => sandbox().consents('ACTIVE').slice(0, 5).map((c) => c.id);

  it('keep: the served identifiers are on stdout (so the checks below can fail)', async () => {
    const output = await read({ mode: 'keep' });
    const data = await served(sandbox(), ids());
    expect(data.holderValues.size).toBeGreaterThan(5);
    expect(data.pans.size).toBeGreaterThan(0);
    for (const value of data.holderValues) expect(output.stdout).toContain(value);
  });

  it('hash: no served identifier or narration anywhere on stdout; a PAN hashes alike in two reads with one key, differently with another', async () => {
    const first = await read({ mode: 'hash', hash_key: KEY, fields: ALL_FIELDS });
    const second = await read({ mode: 'hash', hash_key: KEY, fields: ALL_FIELDS });
    const other = await read({ mode: 'hash', hash_key: OTHER_KEY, fields: ALL_FIELDS });
    const data = await served(sandbox(), ids());
    expect(data.narrations.size).toBeGreaterThan(0);
    for (const output of [first, second, other]) {
      for (const value of [...data.holderValues, ...data.narrations]) expect(output.stdout, `served ${value} on stdout`).not.toContain(value);
      expect(output.stdout + output.stderr).not.toContain(KEY);
      expect(output.stdout + output.stderr).not.toContain(OTHER_KEY);
    }
    for (const pan of data.pans) {
      expect(first.stdout).toContain(`"${hmac(pan, KEY)}"`);
      expect(second.stdout).toContain(`"${hmac(pan, KEY)}"`);
      expect(other.stdout).toContain(`"${hmac(pan, OTHER_KEY)}"`);
      expect(other.stdout).not.toContain(hmac(pan, KEY));
    }
    // The same holder's PAN joins across streams: fi_accounts.holders and fi_data's raw object carry one hash.
    const pan = [...data.pans][0]!;
    const streamsWithIt = STREAMS.filter((s) => (first.recordsByStream.get(s) ?? []).some((r) => JSON.stringify(r).includes(hmac(pan, KEY))));
    expect(streamsWithIt).toEqual(['fi_data', 'fi_accounts']);
    // A narration too: fi_data's raw transaction and fi_transactions.narration carry one hash.
    const narration = [...data.narrations][0]!;
    expect(STREAMS.filter((s) => (first.recordsByStream.get(s) ?? []).some((r) => JSON.stringify(r).includes(hmac(narration, KEY))))).toEqual(['fi_data', 'fi_transactions']);
  });

  it('hash with the default fields: every holder value hashed, narrations kept as served', async () => {
    const output = await read({ mode: 'hash', hash_key: KEY });
    expect(output.logs.map((l) => l.message)).toContain(
      'Personal data: hashing (HMAC-SHA-256) name, dob, mobile, email, pan, address, landline, dematId, pranId, folioNo in every fi_* stream before it is emitted.',
    );
    const data = await served(sandbox(), ids());
    let holders = 0;
    for (const account of output.recordsByStream.get('fi_accounts') ?? []) {
      for (const holder of (account['holders'] as Array<Record<string, unknown>> | null) ?? []) {
        holders++;
        for (const [key, value] of Object.entries(holder)) if (HOLDER_FIELD.test(key) && value !== '' && value !== null) expect(value, key).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    expect(holders).toBeGreaterThan(0);
    for (const narration of data.narrations) expect(output.stdout).toContain(JSON.stringify(narration));
  });

  it('drop, narration included: identifiers and narrations gone, the narration column null', async () => {
    const output = await read({ mode: 'drop', fields: ALL_FIELDS });
    const data = await served(sandbox(), ids());
    expect(data.narrations.size).toBeGreaterThan(0);
    for (const value of [...data.holderValues, ...data.narrations]) expect(output.stdout, `served ${value} on stdout`).not.toContain(value);
    const transactions = output.recordsByStream.get('fi_transactions') ?? [];
    expect(transactions.length).toBeGreaterThan(0);
    for (const txn of transactions) expect(txn['narration']).toBeNull();
    for (const account of output.recordsByStream.get('fi_accounts') ?? []) {
      for (const holder of (account['holders'] as Array<Record<string, unknown>> | null) ?? []) expect(Object.keys(holder).filter((k) => HOLDER_FIELD.test(k))).toEqual([]);
    }
  });

  it('every FI record carries data_expires_at: fetch time + data life, or FinPro\'s earlier session dataExpiry', async () => {
    const output = await readAll(sandbox(), ids(), { streams: FI_STREAMS, extra: { data_life_days: 0.5 } });
    expect(output.exitCode, output.stderr).toBe(0);
    for (const stream of FI_STREAMS) {
      const records = output.recordsByStream.get(stream) ?? [];
      if (STREAMS.includes(stream)) expect(records.length, stream).toBeGreaterThan(0);
      for (const record of records) {
        const expires = Date.parse(String(record['data_expires_at']));
        expect(expires).toBeLessThanOrEqual(Date.parse(String(record['fetched_at'])) + 43_200_000);
        expect(expires).toBeGreaterThan(Date.parse(String(record['fetched_at'])));
      }
    }
  });

  it('single FI requests: data_expires_at is FinPro\'s dataExpiry of the session when it comes before fetch time + data life', async () => {
    // 5 consents go through single FI requests, whose status gives dataExpiry (the sandbox: 24 h after the data was ready).
    const output = await readAll(sandbox(), ids(), { streams: FI_STREAMS, extra: { data_life_days: 30 } });
    expect(output.exitCode, output.stderr).toBe(0);
    const expiry = new Map<string, string>();
    let records = 0;
    for (const stream of FI_STREAMS) {
      for (const record of output.recordsByStream.get(stream) ?? []) {
        const sessionId = String(record['session_id']);
        if (!expiry.has(sessionId)) {
          const response = await fetch(finproUrl(sandbox().url, '/consent/firequest/status'), {
            method: 'POST',
            headers: { ...finproAuthHeaders(sandbox().credentials), 'Content-Type': 'application/json' },
            body: JSON.stringify({ sessionId }),
          });
          expect(response.status, `status of ${sessionId}`).toBe(200);
          expiry.set(sessionId, ((await response.json()) as { data: { dataExpiry: string } }).data.dataExpiry);
        }
        const finpro = Date.parse(expiry.get(sessionId)!);
        expect(finpro).toBeLessThan(Date.parse(String(record['fetched_at'])) + 30 * 86_400_000);
        expect(Date.parse(String(record['data_expires_at'])), `${stream} ${sessionId}`).toBe(finpro);
        records++;
      }
    }
    expect(records).toBeGreaterThan(0);
  });
});

/**
 * The sandbox's other spellings of the same data (finpro-api.md, "FI data shape"): lower-case
 * containers (`profile.holders.holder`, `transactions` as a bare array), and every variant by
 * FIP (a one-element list as a single object...). 20 consents: a bulk batch, and enough FIPs
 * that the spellings checked below are all served.
 */
describe.each([
  ['lower', ['profile', 'holders', 'holder']],
  ['mixed', ['Profile', 'Holders', 'Holder', 'profile', 'holders', 'holder', 'Holder:object', 'holder:object']],
] as const)('personal data on stdout, sandbox fiShape %s', (fiShape, spellings) => {
  // Seed 21: its first 20 ACTIVE consents hold accounts with each kind of holder id (demat, folio, PRAN).
  const sandbox = useSandbox({ consents: 40, speed: 50, seed: 21, fiShape });
  const ids = () => sandbox().consents('ACTIVE').slice(0, 20).map((c) => c.id);
  const read = (personal_data: Record<string, unknown>) =>
    readAll(sandbox(), ids(), { streams: FI_STREAMS, extra: { personal_data } }).then((output) => {
      expect(output.exitCode, output.stderr).toBe(0);
      expect(recordSchemaErrors(output)).toEqual([]);
      return output;
    });

  it('hash and drop: no served identifier or narration on stdout, whatever the spelling; keep shows them', async () => {
    // Read first: getallfidata answers for a consent once its data has been fetched.
    const kept = await read({ mode: 'keep' });
    const data = await served(sandbox(), ids());
    // The spellings this shape is about are really served, so the checks below cover them.
    expect([...data.spellings].filter((s) => (spellings as readonly string[]).includes(s)).sort()).toEqual([...spellings].sort());
    expect(data.pans.size).toBeGreaterThan(0);
    expect(data.narrations.size).toBeGreaterThan(0);
    // Every kind of identifier the sandbox serves is among them (demat, folio and PRAN ids, a mutual fund's holder1Name...).
    expect([...data.fields].sort()).toEqual(['address', 'dematid', 'dob', 'email', 'foliono', 'holder1name', 'mobile', 'name', 'pan', 'pranid']);
    for (const value of data.holderValues) expect(kept.stdout, `served ${value} kept`).toContain(value);
    const hashed = await read({ mode: 'hash', hash_key: KEY, fields: ALL_FIELDS });
    const dropped = await read({ mode: 'drop', fields: ALL_FIELDS });
    for (const output of [hashed, dropped]) {
      for (const value of data.holderValues) expect(output.stdout, `served ${value} on stdout`).not.toContain(value);
      // A narration as a JSON string: some are common words ("Charges" is also in a key, otherCharges).
      for (const value of data.narrations) expect(output.stdout, `served narration ${value} on stdout`).not.toContain(JSON.stringify(value));
    }
    for (const pan of data.pans) expect(hashed.stdout).toContain(`"${hmac(pan, KEY)}"`);
    expect(hashed.stdout + hashed.stderr).not.toContain(KEY);
  });
});

describe('sync hashes what it loads; sync and purge delete FI rows past their data life (built CLI, sandbox, DuckDB and Postgres)', () => {
  const sandbox = useSandbox({ consents: 30, speed: 100, seed: 16 });
  const dir = makeTempDir('finpro-purge-e2e-');
  const schemas: string[] = [];
  afterAll(async () => {
    await dropSchemas(schemas);
    dir.remove();
  });

  /** Rows of every FI table (holdings and any later fi_* stream included) and of bulk_batch_rows. */
  const TABLES = [...FI_STREAMS, 'bulk_batch_rows'];
  const countsSql = TABLES.map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM ${t}`).join(' UNION ALL ');
  const counts = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [String(r['t']), Number(r['n'])]));
  /** What the loaded tables hold of the holders, as text: fi_data's raw objects and fi_accounts.holders. */
  const holdersSql = 'SELECT CAST(data AS VARCHAR) AS v FROM fi_data UNION ALL SELECT CAST(holders AS VARCHAR) FROM fi_accounts';
  /** `sync: purge ...: deleted N FI rows ...: fi_data 3, fi_accounts 3, ...` as {table: n}. */
  const perTable = (report: string) => Object.fromEntries([...report.matchAll(/(fi_\w+) ([\d,]+)/g)].map((m) => [m[1]!, Number(m[2]!.replaceAll(',', ''))]));
  const purgeLine = (stderr: string) => stderr.split('\n').find((line) => line.includes('sync: purge')) ?? '';

  async function syncThenPurge(to: string, query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<void> {
    const config = writeInputFile(dir.path, `config-${Date.now()}.json`, {
      credentials: { ...sandbox().credentials },
      base_url: sandbox().url,
      consent_ids: sandbox().consents().map((c) => c.id),
      polling: { initial_interval_seconds: 0.05, max_interval_seconds: 0.3, max_wait_minutes: 5 },
      request_timeout_seconds: 10,
      data_life_days: 0,
      personal_data: { mode: 'hash', hash_key: KEY },
    });
    const sync = await runCli(['sync', '--config', config, '--to', to]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(purgeLine(sync.stderr)).toMatch(/no FI table with data_expires_at yet/);
    const before = counts(await query(countsSql));
    for (const table of ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings', 'bulk_batch_rows']) expect(before[table], table).toBeGreaterThan(0);

    // sync hashed what it loaded: no served PAN in the tables, its HMAC in their place.
    const fetched = (await query('SELECT DISTINCT consent_id FROM fi_data')).map((r) => String(r['consent_id']));
    const data = await served(sandbox(), fetched);
    const loaded = (await query(holdersSql)).map((r) => String(r['v'])).join('\n');
    expect(data.pans.size).toBeGreaterThan(0);
    for (const pan of data.pans) {
      expect(loaded).not.toContain(pan);
      expect(loaded).toContain(hmac(pan, KEY));
    }

    // A second sync purges first: every FI row of the first (a data life of 0) is past it.
    const again = await runCli(['sync', '--config', config, '--to', to]);
    expect(again.code, again.stderr).toBe(0);
    const purgedBySync = perTable(purgeLine(again.stderr));
    for (const table of FI_STREAMS) expect(purgedBySync[table], `${table} purged by the second sync`).toBe(before[table]);
    const mid = counts(await query(countsSql));
    expect(mid['bulk_batch_rows']).toBeGreaterThanOrEqual(before['bulk_batch_rows']!);

    const purge = await runCli(['purge', '--to', to]);
    expect(purge.code, purge.stderr).toBe(0);
    // The report names every fi_* table with what it deleted (holdings and any other FI stream included).
    const reported = perTable(purge.stdout);
    for (const table of FI_STREAMS) expect(reported[table], table).toBe(mid[table]);
    expect(counts(await query(countsSql))).toEqual({ ...Object.fromEntries(FI_STREAMS.map((t) => [t, 0])), bulk_batch_rows: mid['bulk_batch_rows'] });
    expect(purge.stdout + purge.stderr + sync.stdout + sync.stderr + again.stdout + again.stderr).not.toContain(KEY);
  }

  it('DuckDB: loaded hashed; a second sync purges the first sync\'s rows, purge empties every FI table, bulk_batch_rows kept', async () => {
    const path = join(dir.path, 'purge.duckdb');
    await syncThenPurge(`duckdb:${path}`, (sql) => duckdbQuery(path, sql));
  });

  it.skipIf(!pgAvailable)('Postgres: loaded hashed; a second sync purges the first sync\'s rows, purge empties every FI table, bulk_batch_rows kept', async () => {
    const schema = uniqueSchema('finpro_purge_e2e');
    schemas.push(schema);
    const pg = await import('pg');
    await syncThenPurge(`${PG_URL}?schema=${schema}`, async (sql) => {
      const client = new pg.default.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    });
  });
});
