import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['connector/**/*.test.ts', 'sandbox/**/*.test.ts', 'integration_tests/**/*.test.ts'],
    // Integration tests spawn the built CLI and a sandbox; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
