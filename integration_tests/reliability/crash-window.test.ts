import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { configuredCatalog, makeTempDir, StateBuilder, startTestSandbox, writeInputFile } from '../support/index.js';
import { FIXED_RANGE, readConfig } from '../read/read-harness.js';
import { schedulingProblems } from './delivery-check.js';
import { runKillable } from './kill-runner.js';
import { reliabilityCounter } from './reliability-summary.js';

/**
 * The narrowest crash window of a new sync: FinPro has created the first batch but its answer
 * (slowed by the sandbox's `slow` faults, which delay the answer after the handler ran) has
 * not reached the connector, so no STATE names the batch yet. The platform then holds at most
 * the plan's checkpoint, and the next attempt must still not schedule those consents again
 * under another name: the sync's plan (its time, hence its reference ids) has to be
 * checkpointed before the first schedule call, so the retry re-sends the same reference and
 * adopts the batch on 409.
 *
 * This test found the bug where SyncEngine.run applied `sync-started` without a checkpoint,
 * so the second attempt planned a new sync time and scheduled the first chunk's consents
 * again under a new reference (spending their FI quota twice).
 */
const counter = reliabilityCounter('crash-window');
const sandboxes: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('read: SIGKILL after FinPro created the first batch, before its STATE', () => {
  it('the resumed read schedules no consent a second time (the plan is checkpointed before the first schedule)', { timeout: 120_000 }, async () => {
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
      // What the platform kept: the plan's checkpoint at most, naming no batch yet.
      const kept = StateBuilder.fromEmitted(first.output.states).build();
      for (const s of first.output.states) {
        const sync = (s.stream?.stream_state as { sync?: { batches: unknown[] } } | undefined)?.sync;
        expect(sync?.batches ?? [], 'the kill must land before the first batch is checkpointed').toEqual([]);
      }
      const state = writeInputFile(dir.path, 'state.json', kept);

      const second = await runKillable(['read', '--config', config, '--catalog', catalog, '--state', state]);
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
