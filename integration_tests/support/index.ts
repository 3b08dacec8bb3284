/**
 * The acceptance-test harness: import from here. See README.md in this folder.
 */
export { CLI_PATH, PROTOCOL_SCHEMA_ENV, PROTOCOL_YAML, REPO_ROOT, SHARED_DIR, protocolSchemaSource, requireBuiltCli, type ProtocolSchemaSource } from './repo-paths.js';
export { assertValidProtocolMessage, protocolErrorsOf, protocolErrorsOfLine } from './protocol-validator.js';
export { parseEntrypointOutput, splitMessages, type EntrypointOutput } from './entrypoint-output.js';
export { runCheck, runConnector, runDiscover, runRead, runSpec, type InputFile, type ReadFiles, type RunOptions } from './connector-runner.js';
export { assertNoSecretLeak, findSecretLeaks, registerSecret, registeredSecrets, testSecret } from './secret-scanner.js';
export { StateBuilder } from './state-builder.js';
export { configuredCatalog, type CatalogOptions } from './catalog-fixtures.js';
export { testConfig, type TestConfigOptions } from './config-fixtures.js';
export { makeTempDir, writeInputFile } from './temp-files.js';
export { closedPortUrl, selfSignedHttpsServer, silentServer, statusServer, type LocalServer } from './local-servers.js';
export { hasPropertyPath, keywordUses, schemaNodes, type SchemaNode } from './schema-walk.js';
export { DECIMAL_PATTERN, recordSchemaErrors, recordValidator } from './record-validator.js';
export { sandboxConfig, startTestSandbox, useSandbox } from './sandbox-fixture.js';
