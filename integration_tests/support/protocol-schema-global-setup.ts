import { protocolSchemaSource } from './repo-paths.js';

/**
 * vitest globalSetup: decides once per run which protocol schema the harness validates
 * against, so a missing schema is said once (not once per worker) and, with CI=true, stops
 * the run before any test starts.
 */
export function setup(): void {
  const source = protocolSchemaSource();
  if (source.kind === 'own-models') {
    process.stderr.write(
      `NOTE: ${source.why}; printed lines are validated against the connector's own protocol models ` +
        `(connector/protocol/airbyte-message.ts) instead, and the stricter check is skipped.\n`,
    );
  }
}
