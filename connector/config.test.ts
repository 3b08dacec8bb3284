import { describe, expect, it } from 'vitest';
import { parseConfig } from './config-reader.js';
import { ConfigError } from './errors/connector-errors.js';
import { processSecrets } from './protocol/secret-detector.js';

/** The config schema through `parseConfig`: defaults, and every invalid field named in the error. */

const valid = () => ({
  credentials: { client_id: 'cid', client_secret: 's3cr3t-config-test', app_identifier: 'com.example', organisation_id: 'org' },
  base_url: 'https://api.finpro.example.com',
  consent_ids: ['54450ac0-8bcb-4b9c-ad74-29b4fabe18f7'],
});

function errorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('config', () => {
  it('accepts a minimal config and applies the defaults', () => {
    const config = parseConfig(valid());
    expect(config).toMatchObject({
      batch_size: 1000,
      page_size: 1000,
      reference_id_prefix: 'finpro',
      submission_mode: 'json',
      max_retries: 2,
      max_concurrency: 8,
      request_timeout_seconds: 60,
      polling: { initial_interval_seconds: 5, max_interval_seconds: 60, max_wait_minutes: 120 },
    });
  });

  it('accepts a consent file instead of inline consents', () => {
    const { consent_ids: _, ...rest } = valid();
    expect(parseConfig({ ...rest, consent_ids_file: '/data/consents.csv' }).consent_ids_file).toBe('/data/consents.csv');
  });

  it.each([
    ['http://localhost:8080', true],
    ['http://127.0.0.1:18080/api', true],
    ['http://127.5.5.5', true],
    ['http://[::1]:8080', true],
    ['http://host.docker.internal:18080', true],
    ['http://host.docker.internal.evil.example.com', false],
    ['http://docker.internal', false],
    ['https://finpro.example.com/v1', true],
    ['http://finpro.example.com', false],
    ['http://10.0.0.1', false],
    ['http://127.0.0.1.evil.example.com', false],
    ['ftp://127.0.0.1', false],
    ['not a url', false],
  ])('base_url %s accepted: %s', (baseUrl, ok) => {
    if (ok) expect(parseConfig({ ...valid(), base_url: baseUrl }).base_url).toBe(baseUrl);
    else expect(errorOf({ ...valid(), base_url: baseUrl }).message).toMatch(/config\.base_url: must be an https:\/\/ URL/);
  });

  it.each([
    ['consent_ids', { consent_ids: ['has space'] }, /config\.consent_ids\.0: must be 1-128 characters/],
    ['consent_ids', { consent_ids: ['x'.repeat(129)] }, /config\.consent_ids\.0/],
    ['consent_ids', { consent_ids: ['ok', 'bad/slash'] }, /config\.consent_ids\.1/],
    ['consent_ids', { consent_ids: [] }, /config\.consent_ids: give at least one consent/],
    ['batch_size', { batch_size: 0 }, /config\.batch_size/],
    ['batch_size', { batch_size: 10_001 }, /config\.batch_size/],
    ['batch_size', { batch_size: 10.5 }, /config\.batch_size/],
    ['batch_size', { batch_size: '1000' }, /config\.batch_size/],
    ['page_size', { page_size: 1001 }, /config\.page_size/],
    ['page_size', { page_size: 0 }, /config\.page_size/],
    ['reference_id_prefix', { reference_id_prefix: 'has space' }, /config\.reference_id_prefix: must be 1-30 characters/],
    ['reference_id_prefix', { reference_id_prefix: 'x'.repeat(31) }, /config\.reference_id_prefix/],
    ['reference_id_prefix', { reference_id_prefix: '' }, /config\.reference_id_prefix/],
    ['submission_mode', { submission_mode: 'ftp' }, /config\.submission_mode/],
    ['fi_data_range_from', { fi_data_range_from: '01/01/2025' }, /config\.fi_data_range_from: must be an ISO-8601/],
    ['fi_data_range_to', { fi_data_range_to: '2025-02-30T00:00:00Z' }, /config\.fi_data_range_to/],
    ['max_retries', { max_retries: -1 }, /config\.max_retries/],
    ['max_concurrency', { max_concurrency: 65 }, /config\.max_concurrency/],
    ['request_timeout_seconds', { request_timeout_seconds: 0 }, /config\.request_timeout_seconds/],
    ['polling', { polling: { initial_interval_seconds: 120, max_interval_seconds: 60 } }, /config\.polling\.initial_interval_seconds/],
    ['overrides', { overrides: [{ consent_id: 'bad id' }] }, /config\.overrides\.0\.consent_id/],
    ['overrides', { overrides: [{ consent_id: 'c1', fi_data_range_from: 'yesterday' }] }, /config\.overrides\.0\.fi_data_range_from/],
    ['consent_ids_file', { consent_ids_file: '' }, /config\.consent_ids_file/],
  ])('rejects a bad %s and names it', (_field, patch, pattern) => {
    expect(errorOf({ ...valid(), ...patch }).message).toMatch(pattern);
  });

  it.each(['client_id', 'client_secret', 'app_identifier', 'organisation_id'])('requires credentials.%s', (field) => {
    const raw = valid();
    delete (raw.credentials as Record<string, string>)[field];
    expect(errorOf(raw).message).toMatch(new RegExp(`config\\.credentials\\.${field}`));
  });

  it('rejects a range that ends before it starts, naming both ends', () => {
    const message = errorOf({ ...valid(), fi_data_range_from: '2026-02-01', fi_data_range_to: '2026-01-01T00:00:00Z' }).message;
    expect(message).toMatch(/config\.fi_data_range_from: is after config\.fi_data_range_to/);
    const override = errorOf({ ...valid(), overrides: [{ consent_id: 'c1', fi_data_range_from: '2026-01-02', fi_data_range_to: '2026-01-01' }] }).message;
    expect(override).toMatch(/config\.overrides\.0\.fi_data_range_from: is after this override's fi_data_range_to/);
    // Equal ends, and offsets that put the "later" text earlier in time, are fine.
    expect(parseConfig({ ...valid(), fi_data_range_from: '2026-01-01', fi_data_range_to: '2026-01-01T00:00:00Z' }).fi_data_range_from).toBe('2026-01-01');
    expect(parseConfig({ ...valid(), fi_data_range_from: '2026-01-01T05:00:00+05:30', fi_data_range_to: '2026-01-01T00:00:00Z' })).toBeTruthy();
  });

  it.each(['null', '2026', 'short', '2026-01-01', '2026-01-01T00:00:00Z', '12345678901234'])(
    'refuses the client_secret %j, which ordinary output could contain',
    (secret) => {
      const message = errorOf({ ...valid(), credentials: { ...valid().credentials, client_secret: secret } }).message;
      expect(message).toMatch(/config\.credentials\.client_secret: must (be at least 8|not be only digits)/);
    },
  );

  it.each(['s3cr3t-ok', 'sandbox-secret-do-not-use-in-prod', 'a1B2c3D4', '7f3c9a1e-2b4d-4e8f-9a6b-1c2d3e4f5a6b', 'pass word with spaces', 'Zm9vYmFyYmF6cXV4=='])(
    'accepts a realistic client_secret %j',
    (secret) => {
      expect(parseConfig({ ...valid(), credentials: { ...valid().credentials, client_secret: secret } }).credentials.client_secret).toBe(secret);
    },
  );

  it.each(['client_id', 'client_secret', 'app_identifier', 'organisation_id'])('refuses a newline in credentials.%s (it travels as a header)', (field) => {
    const message = errorOf({ ...valid(), credentials: { ...valid().credentials, [field]: 'abcdefgh-secret\n' } }).message;
    expect(message).toMatch(new RegExp(`config\\.credentials\\.${field}: must not contain a newline`));
    expect(message).not.toContain('abcdefgh-secret');
  });

  it('rejects a config that is not an object', () => {
    expect(errorOf(null).message).toMatch(/Invalid config/);
    expect(errorOf([]).message).toMatch(/Invalid config/);
    expect(errorOf('config').message).toMatch(/Invalid config/);
  });

  it('never echoes the secret in an error', () => {
    const raw = { ...valid(), credentials: { ...valid().credentials, client_secret: 42 } };
    expect(errorOf(raw).message).toMatch(/config\.credentials\.client_secret/);
    const message = errorOf({ ...valid(), base_url: 'http://x.example.com' }).message;
    expect(message).not.toContain('s3cr3t-config-test');
  });

  describe('personal_data and data_life_days', () => {
    const KEY = '00112233445566778899aabbccddeeff';

    it('keeps personal data and sets no data life by default; the holder fields are covered, narration is not', () => {
      const config = parseConfig(valid());
      expect(config.personal_data).toEqual({ mode: 'keep', fields: ['name', 'dob', 'mobile', 'email', 'pan', 'address', 'landline', 'dematId', 'pranId', 'folioNo'] });
      expect(config.data_life_days).toBeUndefined();
    });

    it('accepts hash with a hex key, narration added, and a fractional data life', () => {
      const config = parseConfig({ ...valid(), personal_data: { mode: 'hash', hash_key: KEY, fields: ['pan', 'narration'] }, data_life_days: 0.5 });
      expect(config.personal_data).toEqual({ mode: 'hash', hash_key: KEY, fields: ['pan', 'narration'] });
      expect(config.data_life_days).toBe(0.5);
    });

    it.each([
      [{ personal_data: { mode: 'hash' } }, /config\.personal_data\.hash_key: is required when personal_data\.mode is hash/],
      [{ personal_data: { mode: 'hash', hash_key: 'abcd' } }, /config\.personal_data\.hash_key: must be at least 32 hex characters/],
      [{ personal_data: { mode: 'hash', hash_key: `${KEY}z1` } }, /config\.personal_data\.hash_key/],
      [{ personal_data: { mode: 'hash', hash_key: '0123456789'.repeat(4) } }, /config\.personal_data\.hash_key: must hold at least one of the hex letters/],
      [{ personal_data: { mode: 'mask' } }, /config\.personal_data\.mode/],
      [{ personal_data: { fields: ['pan', 'ssn'] } }, /config\.personal_data\.fields\.1/],
      [{ data_life_days: -1 }, /config\.data_life_days/],
    ])('rejects %j naming the field', (patch, message) => {
      expect(errorOf({ ...valid(), ...patch }).message).toMatch(message);
    });

    it('never echoes the hash key, even in the error of a malformed one', () => {
      const longButBad = `${KEY}${KEY}-not-hex`;
      const error = errorOf({ ...valid(), personal_data: { mode: 'hash', hash_key: longButBad } });
      expect(error.message).not.toContain(longButBad);
      expect(processSecrets.foundIn(`echo ${KEY}${KEY}-not-hex`)).toBe(true);
    });

    it('registers the hash key to be looked for in output, but not a key too short to be refused safely', () => {
      const key = 'ffeeddccbbaa99887766554433221100';
      parseConfig({ ...valid(), personal_data: { mode: 'hash', hash_key: key } });
      expect(processSecrets.foundIn(`key=${key}`)).toBe(true);
      errorOf({ ...valid(), personal_data: { mode: 'hash', hash_key: 'name' } });
      expect(processSecrets.foundIn('personal_data.hash_key name')).toBe(false);
    });
  });
});
