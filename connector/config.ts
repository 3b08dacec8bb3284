import { z } from 'zod';

/**
 * The connector's configuration: this one zod schema is the source of the `Config` type and,
 * through `configJsonSchema()`, of `spec/spec.json` (a test keeps the checked-in file equal).
 * `.meta()` carries what the Airbyte UI renders: title, description, examples, order, group,
 * airbyte_secret. No `anyOf`/`allOf`/`not`/`if` may appear (the acceptance tests forbid them),
 * so there are no nullable fields and no unions here.
 */

/** FinPro consent IDs are UUIDs in practice; we accept the wider set the Account Aggregator spec allows. */
export const CONSENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
const REFERENCE_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,30}$/;
/** A date (`2025-01-01`) or an ISO-8601 date-time with `Z` or an offset. */
const ISO_8601_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2025-02-30 over to March instead of failing, so check the calendar day itself. */
function isRealCalendarDate(value: string): boolean {
  if (Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isoDateTime = (title: string, description: string, examples: string[]) =>
  z
    .string()
    .regex(ISO_8601_PATTERN, 'must be an ISO-8601 date or date-time, e.g. 2025-01-01T00:00:00Z')
    .refine(isRealCalendarDate, 'is not a real calendar date')
    .meta({ title, description, examples, pattern_descriptor: 'YYYY-MM-DD or YYYY-MM-DDTHH:mm:ssZ' });

/** Both ends are validated ISO-8601 by then; a date alone means midnight UTC, as Date.parse reads it. */
function rangeInOrder(from: string | undefined, to: string | undefined): boolean {
  return from === undefined || to === undefined || Date.parse(from) <= Date.parse(to);
}

const consentId = z.string().regex(CONSENT_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 _ - .');

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** 127.0.0.0/8 as a literal address; a name like `127.0.0.1.evil.example.com` is not loopback. */
const IPV4_LOOPBACK = /^127(\.\d{1,3}){3}$/;
const DOCKER_HOST_NAME = 'host.docker.internal';
function isAllowedBaseUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  // Plain HTTP only to this machine: the sandbox and tests. FI data is personal financial data.
  // `host.docker.internal` is the name Docker gives this machine inside a container (Docker
  // Desktop; `--add-host host.docker.internal:host-gateway` on Linux): how Airbyte's acceptance
  // tests, run in the connector's container, reach a sandbox on the host. Only that exact name:
  // traffic to it stays on the machine, while any other name or private address may not.
  if (url.protocol !== 'http:') return false;
  return loopbackHosts.has(url.hostname) || IPV4_LOOPBACK.test(url.hostname) || url.hostname === DOCKER_HOST_NAME;
}

/**
 * Each credential travels as an HTTP header, where a control character (a newline pasted
 * with the value, say) can never be sent: refusing it here makes it the user's config error
 * instead of a failed request that looks transient.
 */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const headerValue = () => z.string().min(1).regex(NO_CONTROL_CHARACTERS, 'must not contain a newline or other control character');

/**
 * Every line the connector writes is searched for the secret, and a line that carries it is not
 * written (protocol/secret-detector.ts). A secret that is short, or made only of digits and date
 * punctuation (`null`, `2026`, `2026-01-01`), also appears in ordinary records and timestamps,
 * which would then be withheld; FinPro issues long random secrets, so such a value is refused.
 */
export const MIN_SECRET_LENGTH = 8;
const LOOKS_LIKE_DATA = /^[0-9:.+\-TZ ]*$/;

/** Whether ordinary output cannot contain this secret; the config refuses any secret that could. */
export function isDistinctiveSecret(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !LOOKS_LIKE_DATA.test(value);
}

export const Credentials = z
  .object({
    client_id: headerValue().meta({ title: 'Client ID', description: 'Your FinPro client identifier (header `client_id`).', order: 0 }),
    client_secret: headerValue()
      .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters (a shorter value could not be told apart from ordinary output)`)
      .refine((value) => value.length < MIN_SECRET_LENGTH || isDistinctiveSecret(value), 'must not be only digits and date punctuation (it could not be told apart from ordinary output)')
      .meta({ title: 'Client secret', description: 'Your FinPro client secret (header `client_secret`).', airbyte_secret: true, order: 1 }),
    app_identifier: headerValue()
      .meta({ title: 'App identifier', description: 'Your application identifier (header `appIdentifier`).', examples: ['com.example.lender'], order: 2 }),
    organisation_id: headerValue()
      .meta({ title: 'Organisation ID', description: 'Your FinPro organisation identifier (header `organisationId`).', order: 3 }),
  })
  .meta({ title: 'Credentials', description: 'The four FinPro authentication headers issued at onboarding.', group: 'auth', order: 0 });

export const ConsentOverride = z
  .object({
    consent_id: consentId.meta({ title: 'Consent ID', order: 0 }),
    fi_data_range_from: isoDateTime('FI data range from', 'Start of this consent\'s range (overrides the default).', ['2025-04-01']).optional(),
    fi_data_range_to: isoDateTime('FI data range to', 'End of this consent\'s range (never after now).', ['2026-03-31']).optional(),
    config_id: z.string().min(1).meta({ title: 'Config ID', description: 'Analytics configuration for this consent.' }).optional(),
  })
  .refine((o) => rangeInOrder(o.fi_data_range_from, o.fi_data_range_to), {
    message: 'is after this override\'s fi_data_range_to (the range would be empty)',
    path: ['fi_data_range_from'],
  })
  .meta({ title: 'Consent override' });

export const Polling = z
  .object({
    initial_interval_seconds: z
      .number()
      .min(0.01)
      .max(600)
      .default(5)
      .meta({ title: 'Initial poll interval (s)', description: 'First wait between bulk status polls; FinPro advises 5 s, doubling.', order: 0 }),
    max_interval_seconds: z
      .number()
      .min(0.01)
      .max(3600)
      .default(60)
      .meta({ title: 'Maximum poll interval (s)', description: 'The backoff between polls never exceeds this.', order: 1 }),
    max_wait_minutes: z
      .number()
      .min(0.01)
      .max(7 * 24 * 60)
      .default(120)
      .meta({
        title: 'Maximum wait per batch (min)',
        description: 'A batch still running after this long ends the sync INCOMPLETE; the next sync resumes it.',
        order: 2,
      }),
  })
  .meta({ title: 'Polling', group: 'advanced', order: 11 });

/** The personal fields `personal_data.fields` can name; each covers every spelling the FinPro contract lists (see personal-data-fields.ts). */
export const PERSONAL_FIELDS = ['name', 'dob', 'mobile', 'email', 'pan', 'address', 'landline', 'dematId', 'pranId', 'folioNo', 'narration'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];
/** Holder fields: covered unless `fields` says otherwise. Narrations name counterparties too, but are only hashed or dropped on request. */
export const DEFAULT_PERSONAL_FIELDS: PersonalField[] = ['name', 'dob', 'mobile', 'email', 'pan', 'address', 'landline', 'dematId', 'pranId', 'folioNo'];
/** 128 bits at least: a short key is guessable, and as a secret looked for in every line it would be found in common text. */
const HASH_KEY_PATTERN = /^(?:[0-9a-fA-F]{2}){16,}$/;

export const PersonalData = z
  .object({
    mode: z
      .enum(['keep', 'hash', 'drop'])
      .default('keep')
      .meta({
        title: 'Mode',
        description: 'What happens to personal fields in every FI stream, raw fi_data included, before a record is emitted: keep them, hash them (HMAC-SHA-256 with Hash key, hex), or drop them.',
        order: 0,
      }),
    hash_key: z
      .string()
      .regex(HASH_KEY_PATTERN, 'must be at least 32 hex characters (16 bytes), an even number of them')
      // Looked for as a secret, a key of digits alone could not be told apart from numbers in the data.
      .refine((key) => /[a-fA-F]/.test(key), 'must hold at least one of the hex letters a-f')
      .optional()
      .meta({
        title: 'Hash key',
        description: 'Key of the HMAC-SHA-256 for mode hash, in hex (at least 32 characters). Keep it for as long as hashes must join: another key hashes every value differently.',
        airbyte_secret: true,
        order: 1,
      }),
    fields: z
      .array(z.enum(PERSONAL_FIELDS))
      .default(DEFAULT_PERSONAL_FIELDS)
      .meta({
        title: 'Fields',
        description: 'Personal fields covered, each in every spelling FinPro sends (e.g. dematID, demat_id). name and address are covered in holder objects (and name as holder1Name etc. anywhere); the others anywhere.',
        order: 2,
      }),
  })
  .meta({ title: 'Personal data', description: 'Hash or drop personal data (holder fields, optionally narrations) in every FI stream before it is emitted.', group: 'privacy', order: 16 });

export const ConfigSchema = z
  .object({
    credentials: Credentials,
    base_url: z
      .string()
      .refine(isAllowedBaseUrl, 'must be an https:// URL (http:// is allowed only for localhost/127.0.0.1 and host.docker.internal)')
      .meta({
        title: 'Base URL',
        description: 'FinPro API base URL for your environment.',
        examples: ['https://api.finpro.example.com'],
        group: 'auth',
        order: 1,
      }),
    consent_ids: z
      .array(consentId)
      .optional()
      .meta({ title: 'Consent IDs', description: 'Consents to fetch FI data for. Duplicates are ignored.', group: 'consents', order: 2 }),
    consent_ids_file: z
      .string()
      .min(1)
      .optional()
      .meta({
        title: 'Consent IDs file',
        description: 'Path to a file of consent IDs: one per line, or a CSV with a `consent_id` or `consentId` column. Merged with Consent IDs.',
        examples: ['/data/consents.csv'],
        group: 'consents',
        order: 3,
      }),
    fi_data_range_from: isoDateTime(
      'FI data range from',
      'Start of the FI data range for consents that have no watermark yet. Default: one year before the sync.',
      ['2025-01-01T00:00:00Z'],
    )
      .optional()
      .meta({ group: 'consents', order: 4 }),
    fi_data_range_to: isoDateTime('FI data range to', 'End of the FI data range. Default: now. Never after now.', ['2026-01-01T00:00:00Z'])
      .optional()
      .meta({ group: 'consents', order: 5 }),
    config_id: z
      .string()
      .min(1)
      .optional()
      .meta({ title: 'Config ID', description: 'Default FinPro analytics configuration ID.', examples: ['cfg-default'], group: 'consents', order: 6 }),
    overrides: z
      .array(ConsentOverride)
      .optional()
      .meta({ title: 'Per-consent overrides', description: 'Range or config for particular consents.', group: 'consents', order: 7 }),
    batch_size: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(1000)
      .meta({ title: 'Batch size', description: 'Consents per bulk batch (FinPro allows 10,000; 1,000-5,000 recommended).', group: 'advanced', order: 8 }),
    reference_id_prefix: z
      .string()
      .regex(REFERENCE_PREFIX_PATTERN, 'must be 1-30 characters of A-Z a-z 0-9 _ -')
      .default('finpro')
      .meta({
        title: 'Reference ID prefix',
        description: 'Batches are named `<prefix>-<sync time>-<n>`; keep it short so names stay within 60 characters.',
        examples: ['portfolio-refresh'],
        group: 'advanced',
        order: 9,
      }),
    submission_mode: z
      .enum(['json', 'file'])
      .default('json')
      .meta({ title: 'Submission mode', description: 'Schedule batches by JSON API or by CSV file upload.', group: 'advanced', order: 10 }),
    polling: Polling.default({ initial_interval_seconds: 5, max_interval_seconds: 60, max_wait_minutes: 120 }),
    max_retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .meta({ title: 'Maximum retries', description: 'Retry batches for rows that failed with retry eligibility Yes.', group: 'advanced', order: 12 }),
    max_concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .meta({ title: 'Maximum concurrency', description: 'FI data requests in flight at once.', group: 'advanced', order: 13 }),
    page_size: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1000)
      .meta({ title: 'Page size', description: 'Rows per bulk status page (FinPro allows 1,000).', group: 'advanced', order: 14 }),
    request_timeout_seconds: z
      .number()
      .min(1)
      .max(600)
      .default(60)
      .meta({ title: 'Request timeout (s)', description: 'A request with no answer after this long is retried.', group: 'advanced', order: 15 }),
    personal_data: PersonalData.default({ mode: 'keep', fields: DEFAULT_PERSONAL_FIELDS }),
    data_life_days: z
      .number()
      .min(0)
      .max(36_500)
      .optional()
      .meta({
        title: 'Data life (days)',
        description: 'Your consents\' Data Life: every FI record carries data_expires_at, its fetch time plus this (FinPro\'s dataExpiry where an answer gives one); sync and purge delete FI rows past it. Unset: data_expires_at is null unless FinPro gives one.',
        examples: [30],
        group: 'privacy',
        order: 17,
      }),
  })
  .refine((c) => (c.consent_ids?.length ?? 0) > 0 || c.consent_ids_file !== undefined, {
    message: 'give at least one consent: consent_ids or consent_ids_file',
    path: ['consent_ids'],
  })
  .refine((c) => rangeInOrder(c.fi_data_range_from, c.fi_data_range_to), {
    message: 'is after config.fi_data_range_to (the range would be empty)',
    path: ['fi_data_range_from'],
  })
  .refine((c) => c.polling.initial_interval_seconds <= c.polling.max_interval_seconds, {
    message: 'initial_interval_seconds must not exceed max_interval_seconds',
    path: ['polling', 'initial_interval_seconds'],
  })
  .refine((c) => c.personal_data.mode !== 'hash' || c.personal_data.hash_key !== undefined, {
    message: 'is required when personal_data.mode is hash',
    path: ['personal_data', 'hash_key'],
  })
  .meta({
    title: 'FinPro Bulk FI Data Spec',
    description: 'Fetch Account Aggregator FI data for a list of consents through FinPro Bulk Data Fetch.',
    groups: [
      { id: 'auth', title: 'Connection' },
      { id: 'consents', title: 'Consents and ranges' },
      { id: 'advanced', title: 'Advanced' },
      { id: 'privacy', title: 'Personal data and data life' },
    ],
  });

/** The config as parsed (defaults applied). */
export type Config = z.infer<typeof ConfigSchema>;
export type ConsentOverride = z.infer<typeof ConsentOverride>;
export type PersonalData = z.infer<typeof PersonalData>;

/** JSON Schema (draft-07) of the config, as the spec shows it to the platform. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}
