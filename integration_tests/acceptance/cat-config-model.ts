import { z } from 'zod';

/**
 * The keys Airbyte's connector acceptance tests (CAT 3.x) accept in acceptance-test-config.yml,
 * written from their pydantic models (connector_acceptance_test/config.py): every model there
 * forbids extra keys, so a key CAT removed or never had stops CAT before any test runs, and it
 * stops this model too. The suite wrappers (`tests` / `bypass_reason`) are the one generic
 * model without `extra = "forbid"`, so unknown keys there are ignored, as CAT ignores them.
 * Defaults are CAT's, so a parsed config reads as CAT reads it. Checked against CAT 3.9's
 * models loaded with pydantic 1 (see integration_tests/README.md). The rules CAT applies later,
 * in fixtures, at `test_strictness_level: high` are in `highStrictnessProblems`.
 */

const path = z.string().min(1);
/** pydantic 1's `int`: "600" and 600.0 are 600. */
const timeoutSeconds = z.coerce.number().int().min(0);
const deploymentMode = z.string().regex(/^(cloud|oss)$/);
/**
 * CAT's SEMVER_REGEX as pydantic 1 applies a `regex` (re.match: anchored at the start only), so
 * "1.2.3-rc1" and even "1.2junk" pass, while "latest", the field's default, fails when written.
 */
const SEMVER = /^(0|[1-9]\d*)(\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?(-[\w][\w.\-_]*)?)?/;

const BackwardCompatibility = z.strictObject({
  previous_connector_version: z.string().regex(SEMVER).default('latest'),
  disable_for_version: z.string().regex(SEMVER).optional(),
});

const OAuthTest = z
  .strictObject({ oauth: z.boolean().optional(), bypass_reason: z.string().optional() })
  .refine((v) => v.oauth !== false || Boolean(v.bypass_reason), 'oauth: false needs a bypass_reason');

const CONFIG_PATH = 'secrets/config.json';

const Spec = z.strictObject({
  spec_path: path.default('secrets/spec.json'),
  config_path: path.default(CONFIG_PATH),
  timeout_seconds: timeoutSeconds.optional(),
  deployment_mode: deploymentMode.optional(),
  backward_compatibility_tests_config: BackwardCompatibility.optional(),
  auth_default_method: OAuthTest.optional(),
});

const Connection = z.strictObject({
  config_path: path.default(CONFIG_PATH),
  status: z.enum(['succeed', 'failed', 'exception']).default('succeed'),
  timeout_seconds: timeoutSeconds.optional(),
  deployment_mode: deploymentMode.optional(),
});

const Discovery = z.strictObject({
  config_path: path.default(CONFIG_PATH),
  timeout_seconds: timeoutSeconds.optional(),
  deployment_mode: deploymentMode.optional(),
  backward_compatibility_tests_config: BackwardCompatibility.optional(),
  validate_primary_keys_data_type: z.boolean().default(true),
});

const ExpectedRecords = z
  .strictObject({ bypass_reason: z.string().optional(), path: path.optional(), exact_order: z.boolean().default(false) })
  .refine((v) => !(v.path !== undefined && v.bypass_reason !== undefined), "a bypass_reason can't be set when a path is")
  .refine((v) => v.path !== undefined || Boolean(v.bypass_reason), 'a path or a bypass_reason must be set');

const NamedBypass = z.strictObject({ name: z.string(), bypass_reason: z.string().optional() });

const FileTypes = z
  .strictObject({
    bypass_reason: z.string().optional(),
    unsupported_types: z.array(z.strictObject({ extension: z.string().regex(/^\../), bypass_reason: z.string().optional() })).optional(),
    skip_test: z.boolean().default(false),
  })
  .refine((v) => !(v.skip_test && (v.unsupported_types?.length ?? 0) > 0), "unsupported_types can't be set when the test is skipped")
  .refine((v) => v.skip_test || v.bypass_reason === undefined, "a bypass_reason can't be set when the test is not skipped");

const ClientContainer = z.strictObject({
  secrets_path: z.string().optional(),
  client_container_dockerfile_path: z.string().optional(),
  setup_command: z.array(z.string()).optional(),
  teardown_command: z.array(z.string()).optional(),
  between_syncs_command: z.array(z.string()).optional(),
});

const BasicRead = z.strictObject({
  config_path: path.default(CONFIG_PATH),
  deployment_mode: deploymentMode.optional(),
  configured_catalog_path: path.optional(),
  empty_streams: z.array(NamedBypass).default([]),
  expect_records: ExpectedRecords.optional(),
  validate_schema: z.boolean().default(true),
  /** No default: CAT turns it on for certified connectors (metadata ql >= 400) when unset. */
  validate_stream_statuses: z.boolean().optional(),
  validate_state_messages: z.boolean().default(true),
  validate_primary_keys_data_type: z.boolean().default(true),
  fail_on_extra_columns: z.boolean().default(true),
  validate_data_points: z.boolean().default(false),
  expect_trace_message_on_failure: z.boolean().default(true),
  timeout_seconds: timeoutSeconds.optional(),
  file_types: FileTypes.optional(),
  client_container_config: ClientContainer.optional(),
});

const FullRefresh = z.strictObject({
  config_path: path.default(CONFIG_PATH),
  configured_catalog_path: path.optional(),
  timeout_seconds: timeoutSeconds.optional(),
  deployment_mode: deploymentMode.optional(),
  ignored_fields: z.record(z.string(), z.array(NamedBypass)).optional(),
  client_container_config: ClientContainer.optional(),
});

const FutureState = z.strictObject({
  future_state_path: path.optional(),
  missing_streams: z.array(NamedBypass).default([]),
  bypass_reason: z.string().optional(),
  cursor_format: z
    .strictObject({ format: z.string().optional(), streams: z.array(z.strictObject({ name: z.string(), format: z.string().optional() })).optional() })
    .optional(),
});

const Incremental = z.strictObject({
  config_path: path.default(CONFIG_PATH),
  configured_catalog_path: path.optional(),
  future_state: FutureState.optional(),
  timeout_seconds: timeoutSeconds.optional(),
  deployment_mode: deploymentMode.optional(),
  skip_comprehensive_incremental_tests: z.boolean().default(false),
  client_container_config: ClientContainer.optional(),
});

const ConnectorAttributes = z.strictObject({
  timeout_seconds: timeoutSeconds.optional(),
  config_path: path.default(CONFIG_PATH),
  streams_without_primary_key: z.array(NamedBypass).optional(),
  allowed_hosts: z.strictObject({ bypass_reason: z.string().optional() }).optional(),
  suggested_streams: z.strictObject({ bypass_reason: z.string().optional() }).optional(),
});

const ConnectorDocumentation = z.strictObject({ timeout_seconds: timeoutSeconds.optional(), config_path: path.default(CONFIG_PATH) });

/** CAT's GenericTestConfig: `tests`, or a `bypass_reason`, never both. */
function suite<T extends z.ZodType>(test: T) {
  return z
    .looseObject({ bypass_reason: z.string().optional(), tests: z.array(test).optional() })
    .refine((v) => !(v.tests !== undefined && v.tests.length > 0 && v.bypass_reason !== undefined), "a bypass_reason can't be set when tests are");
}

export const CatConfig = z.strictObject({
  connector_image: z.string(),
  acceptance_tests: z.strictObject({
    spec: suite(Spec).optional(),
    connection: suite(Connection).optional(),
    discovery: suite(Discovery).optional(),
    basic_read: suite(BasicRead).optional(),
    full_refresh: suite(FullRefresh).optional(),
    incremental: suite(Incremental).optional(),
    connector_attributes: suite(ConnectorAttributes).optional(),
    connector_documentation: suite(ConnectorDocumentation).optional(),
  }),
  base_path: z.string().optional(),
  test_strictness_level: z.enum(['high', 'low']).default('low'),
  custom_environment_variables: z.record(z.string(), z.unknown()).default({}),
});
export type CatConfig = z.infer<typeof CatConfig>;
export type BasicReadTest = z.infer<typeof BasicRead>;
export type FullRefreshTest = z.infer<typeof FullRefresh>;
export type IncrementalTest = z.infer<typeof Incremental>;

/** The suites this repository configures; CAT runs only what is configured. */
export const CAT_SUITES = [
  'spec',
  'connection',
  'discovery',
  'basic_read',
  'full_refresh',
  'incremental',
  'connector_attributes',
  'connector_documentation',
] as const;

/** Parses the config the way CAT loads it; throws with every problem's path. */
export function parseCatConfig(raw: unknown): CatConfig {
  const parsed = CatConfig.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`acceptance-test-config.yml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * What CAT fails at `test_strictness_level: high` once tests start (its fixtures, not its
 * models): a custom catalog on basic_read, schema validation off, a stream with neither
 * expected records nor an `empty_streams` entry, an empty stream, ignored field or missing
 * future-state stream without a reason, and incremental without a future state.
 */
export function highStrictnessProblems(config: CatConfig, streams: readonly string[], expectedStreams: ReadonlySet<string>): string[] {
  if (config.test_strictness_level !== 'high') return [];
  const problems: string[] = [];
  for (const [i, test] of (config.acceptance_tests.basic_read?.tests ?? []).entries()) {
    const at = `basic_read.tests[${i}]`;
    if (test.configured_catalog_path !== undefined) problems.push(`${at}: configured_catalog_path is not allowed at high strictness`);
    if (test.validate_schema === false) problems.push(`${at}: validate_schema must be true at high strictness`);
    const empty = test.empty_streams ?? [];
    for (const stream of empty) if (!stream.bypass_reason) problems.push(`${at}.empty_streams.${stream.name}: needs a bypass_reason`);
    const emptyNames = new Set(empty.map((s) => s.name));
    if (test.expect_records?.path !== undefined) {
      for (const stream of streams) {
        if (!expectedStreams.has(stream) && !emptyNames.has(stream)) problems.push(`${at}: stream ${stream} has no expected records and no empty_streams entry`);
      }
    } else if (test.expect_records?.bypass_reason === undefined) {
      problems.push(`${at}: expect_records is required at high strictness`);
    }
  }
  for (const [i, test] of (config.acceptance_tests.full_refresh?.tests ?? []).entries()) {
    for (const [stream, fields] of Object.entries(test.ignored_fields ?? {})) {
      for (const field of fields) if (!field.bypass_reason) problems.push(`full_refresh.tests[${i}].ignored_fields.${stream}.${field.name}: needs a bypass_reason`);
    }
  }
  for (const [i, test] of (config.acceptance_tests.incremental?.tests ?? []).entries()) {
    const future = test.future_state;
    if (future?.future_state_path === undefined && future?.bypass_reason === undefined) {
      problems.push(`incremental.tests[${i}]: a future_state (or its bypass_reason) is required at high strictness`);
    }
    for (const stream of future?.missing_streams ?? []) {
      if (!stream.bypass_reason) problems.push(`incremental.tests[${i}].future_state.missing_streams.${stream.name}: needs a bypass_reason`);
    }
  }
  return problems;
}
