import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['connector/**/*.test.ts', 'sandbox/**/*.test.ts', 'bench/**/*.test.ts', 'integration_tests/**/*.test.ts'],
    // Integration tests spawn the built CLI and a sandbox; two cores, so keep the pool small.
    pool: 'forks',
    // Says once which protocol schema the harness validates against (CI=true requires the official
    // one); prints the reliability counts (kills, faults, bad server inputs, records lost) after the run.
    globalSetup: ['integration_tests/support/protocol-schema-global-setup.ts', 'integration_tests/reliability/summary-global-setup.ts'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fails any test during which a registered client_secret reaches this process's stdout/stderr.
    setupFiles: ['integration_tests/support/secret-guard-setup.ts'],
  },
});
