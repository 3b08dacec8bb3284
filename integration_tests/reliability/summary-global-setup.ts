import { clearParts, formatSummary, mergeParts, writeSummary } from './reliability-summary.js';

/**
 * vitest globalSetup: clears the counts of an earlier run before any test starts, and after
 * the last test prints the merged reliability summary (stderr, visible in `npm test`) and
 * writes `.tmp/reliability-summary.json`. Does nothing when no reliability test ran.
 */
export function setup(): void {
  clearParts();
}

export function teardown(): void {
  const merged = mergeParts();
  if (merged === undefined) return;
  const soak = process.env['SOAK'] === '1';
  writeSummary(merged.counts, merged.files, soak);
  process.stderr.write(`\n${formatSummary(merged.counts, soak)}\n  (written to .tmp/reliability-summary.json)\n`);
}
