import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { configuredCatalog, makeTempDir, startTestSandbox, writeInputFile } from '../support/index.js';
import { FIXED_RANGE, readConfig } from '../read/read-harness.js';
import { schedulingProblems } from './delivery-check.js';
import { runKillable } from './kill-runner.js';
import { reliabilityCounter } from './reliability-summary.js';

/**
 * The narrowest crash window of a new sync: FinPro has created the first batch but its answer
 * (slowed by the sandbox's `slow` faults, which delay the answer after the handler ran) has
 * not reached the connector, so no STATE names the batch yet. The platform then holds no
 * state for this sync, and the next attempt must still not schedule those consents again
 * under another name: the sync's plan (its time, hence its reference ids) has to be
 * checkpointed before the first schedule call, so the retry re-sends the same reference and
 * adopts the batch on 409.
 *
 * KNOWN BUG (reported to the read-engine owners): SyncEngine.run applies `sync-started`
 * without a checkpoint, so the second attempt plans a new sync time and schedules the first
 * chunk's consents again under a new reference (spending their FI quota twice). `it.fails`
 * keeps CI green while the bug stands; once it is fixed this test fails: drop `.fails`.
 */
const counter = reliabilityCounter('crash-window');
const sandboxes: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('read: SIGKILL after FinPro created the first batch, before its STATE', () => {
  it.fails('the resumed read schedules no consent a second time (KNOWN BUG: the plan is not checkpointed before the first schedule)', { timeout: 120_000 }, async () => {
    const sandbox = await startTestSandbox({ consents: 120, seed: 6301, speed: 8, rowsPerSecond: 2000, faults: 'slow', rateLimit: { limit: 100_000, windowMs: 60_000 } });
    sandboxes.push(sandbox);
    const ids = sandbox.consents().map((c) => c.id);
    const dir = makeTempDir('finpro-window-');
    try {
      const config = writeInputFile(dir.path, 'config.json', readConfig(sandbox, ids, { batch_size: 100, ...FIXED_RANGE, request_timeout_seconds: 10 }));
      const catalog = writeInputFile(dir.path, 'catalog.json', configuredCatalog() as unknown as Record<string, unknown>);
      // Kill as soon as the sandbox has created a batch (its answer is still being delayed).
      const abort = new AbortController();
      const running = runKillable(['read', '--config', config, '--catalog', catalog], { killSignal: abort.signal });
      const first = await killWhen(() => Object.keys(sandbox.stats().batches_created).length > 0, running, abort);
      counter.add({ runs_scanned_for_secrets: 1 });
      expect(first.killed).toBe(true);
      expect(first.output.states, 'the kill must land before the first checkpoint').toEqual([]);

      const second = await runKillable(['read', '--config', config, '--catalog', catalog]);
      counter.add({ runs_scanned_for_secrets: 1 });
      expect(second.output.exitCode, second.output.stderr).toBe(0);
      expect(schedulingProblems(sandbox.stats())).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});

/** Aborts (kills) the run once `condition` holds; returns its result. */
async function killWhen<T>(condition: () => boolean, run: Promise<T>, abort: AbortController): Promise<T> {
  let done = false;
  void run.finally(() => (done = true));
  while (!done && !condition()) await new Promise((resolve) => setTimeout(resolve, 2));
  abort.abort();
  return run;
}
