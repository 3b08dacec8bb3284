import { defineConfig } from 'vitest/config';

// The bench's own unit tests (pure helpers): `npx vitest run --config bench/vitest.config.mjs`.
// Benchmarks themselves are never tests; they run with `npm run bench`.
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: { include: ['bench/**/*.test.ts'], pool: 'forks', maxWorkers: 1 },
});
