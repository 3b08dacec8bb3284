import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../integration_tests/support/temp-files.js';
import { dedupeConsentIds, loadConfig, readConsentIdsFile, resolveConsents } from './config-reader.js';
import { parseConsentIdsText } from './consent-ids-text.js';
import { ConfigError } from './errors/connector-errors.js';

/** The consent list: inline + file, the file one-per-line or CSV, merged and de-duplicated. */

const dir = makeTempDir();
afterAll(() => dir.remove());

function file(name: string, text: string): string {
  const path = dir.file(name);
  writeFileSync(path, text);
  return path;
}

const base = {
  credentials: { client_id: 'c', client_secret: 's3cr3t-loader', app_identifier: 'a', organisation_id: 'o' },
  base_url: 'https://api.finpro.example.com',
};

describe('consent IDs file', () => {
  it('reads one ID a line, skipping blank lines and CRLF', async () => {
    expect(await readConsentIdsFile(file('plain.txt', 'c-1\r\n\r\nc-2\n  c-3  \n'))).toEqual(['c-1', 'c-2', 'c-3']);
  });

  it('strips a UTF-8 BOM', () => {
    expect(parseConsentIdsText('\uFEFFc-1\nc-2\n', 'bom.txt')).toEqual(['c-1', 'c-2']);
    expect(parseConsentIdsText('\uFEFFconsent_id,name\nc-1,A\n', 'bom.csv')).toEqual(['c-1']);
  });

  it.each(['consent_id', 'consentId', '"consentId"'])('reads the %s column of a CSV', (column) => {
    expect(parseConsentIdsText(`name,${column},range\nA,c-1,x\nB,"c-2",y\n`, 'x.csv')).toEqual(['c-1', 'c-2']);
  });

  it('reads an RFC 4180 CSV: quoted commas, quotes, CRLF, a BOM, a column in any position', () => {
    const text = '\uFEFFname,consentId,note\r\n"Doe, John",c-1,"said ""hi"", left"\r\n"Roe,\nJane",  c-2  ,\r\n,"c-3",x\r\n';
    expect(parseConsentIdsText(text, 'q.csv')).toEqual(['c-1', 'c-2', 'c-3']);
  });

  it('names the line of a bad ID in a CSV, and refuses an unreadable one', () => {
    expect(() => parseConsentIdsText('name,consent_id\n"Doe, John",c-1\nRoe,\n', 'x.csv')).toThrow(/line 3 of x\.csv is not a valid consent ID/);
    expect(() => parseConsentIdsText('consent_id\n"c-1\n', 'x.csv')).toThrow(/config\.consent_ids_file: x\.csv is not a readable CSV/);
  });

  it('rejects a CSV without a consent column', () => {
    expect(() => parseConsentIdsText('name,id\nA,c-1\n', 'x.csv')).toThrow(/config\.consent_ids_file: x\.csv looks like a CSV but has no consent_id or consentId column/);
  });

  it('names the line of an invalid ID', () => {
    expect(() => parseConsentIdsText('c-1\nbad id\n', 'x.txt')).toThrow(/config\.consent_ids_file: line 2 of x\.txt is not a valid consent ID/);
  });

  it('reads a bare list as the CSV reader does: a header line, mixed line breaks, the header name later as an ID', () => {
    expect(parseConsentIdsText('consent_id\r\nc-1\rc-2\n\nconsent_id\n', 'h.txt')).toEqual(['c-1', 'c-2', 'consent_id']);
    expect(parseConsentIdsText('c-1\nconsentId\n', 'h.txt')).toEqual(['c-1', 'consentId']);
    expect(parseConsentIdsText('\uFEFFconsentId\nc-1', 'h.txt')).toEqual(['c-1']);
  });

  it('reads a 100,000-line file to its last ID', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `c-${i}`);
    expect(parseConsentIdsText(`consent_id\n${ids.join('\n')}\n`, 'big.txt')).toEqual(ids);
    expect(parseConsentIdsText(`name,consent_id\n${ids.map((id) => `n,${id}`).join('\n')}\n`, 'big.csv')).toEqual(ids);
  });

  it('rejects an empty file', () => {
    expect(() => parseConsentIdsText('\n\n', 'empty.txt')).toThrow(/holds no consent IDs/);
  });

  it('reports a missing file as a config error naming the field', async () => {
    await expect(readConsentIdsFile(dir.file('missing.csv'))).rejects.toThrow(ConfigError);
    await expect(readConsentIdsFile(dir.file('missing.csv'))).rejects.toThrow(/config\.consent_ids_file: cannot read .*no such file/);
  });

  it('merges inline and file consents, de-duplicated in first-seen order', async () => {
    const path = file('merge.csv', 'consentId\nc-2\nc-3\nc-2\n');
    const resolved = await resolveConsents({ ...(await loadConfigFrom({ consent_ids: ['c-1', 'c-2', 'c-1'], consent_ids_file: path })) });
    expect(resolved.consents).toEqual(['c-1', 'c-2', 'c-3']);
  });
});

describe('de-duplication', () => {
  it('reads a UUID given in two cases once, first spelling kept, with a warning', () => {
    const lower = '54450ac0-8bcb-4b9c-ad74-29b4fabe18f7';
    const upper = lower.toUpperCase();
    const { consents, warnings } = dedupeConsentIds([upper, 'c-1', lower, lower, upper]);
    expect(consents).toEqual([upper, 'c-1']);
    expect(warnings).toEqual([`Consent ${lower} is consent ${upper} in another case (UUIDs ignore case); it is read once, as ${upper}.`]);
  });

  it('keeps IDs that are not UUIDs as given: the contract does not fold their case', () => {
    expect(dedupeConsentIds(['c-1', 'C-1', 'c-1'])).toEqual({ consents: ['c-1', 'C-1'], warnings: [] });
  });
});

describe('loadConfig', () => {
  it('reads, validates and resolves a config file', async () => {
    const path = file('config.json', JSON.stringify({ ...base, consent_ids: ['c-1', 'c-1'] }));
    const config = await loadConfig(path);
    expect(config.consents).toEqual(['c-1']);
    expect(config.batch_size).toBe(1000);
  });

  it('fails on a missing file, on bad JSON, naming the file', async () => {
    await expect(loadConfig(dir.file('nope.json'))).rejects.toThrow(/Cannot read the config file .*nope\.json: no such file/);
    await expect(loadConfig(file('bad.json', '{'))).rejects.toThrow(/The config file .*bad\.json is not valid JSON/);
  });
});

async function loadConfigFrom(extra: Record<string, unknown>) {
  return loadConfig(file(`c-${Math.random()}.json`, JSON.stringify({ ...base, ...extra })));
}
