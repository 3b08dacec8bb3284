import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { configuredCatalog, startTestSandbox, type EntrypointOutput } from '../support/index.js';
import { FIXED_RANGE, readAll, readConfig } from '../read/read-harness.js';
import { runCrashChain } from './crash-chain.js';
import { compareDelivery, completedSyncTimes, schedulingProblems } from './delivery-check.js';
import { reliabilityCounter } from './reliability-summary.js';
import { baseSeed, soakOr } from './reliability-env.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Crash safety of `read`: SIGKILL at seeded random moments of a multi-batch read, each attempt
 * resumed from the last STATE per stream the platform received, until one runs to the end.
 * The union of what the attempts delivered must equal an uninterrupted read of a sandbox with
 * the same seed, and the sandbox's books must show every consent scheduled once per attempt.
 * Kills count across chains: a chain that ends before its share of kills is followed by a
 * new one on a fresh sandbox (a finished sync would start an incremental one, not a resume).
 */

const KILLS = soakOr(10, 40);
const CONSENTS = soakOr(300, 600);
const SEED = baseSeed(6101);
const SANDBOX: SandboxOptions = { consents: CONSENTS, seed: SEED, speed: 50, rowsPerSecond: 400, rateLimit: { limit: 100_000, windowMs: 60_000 } };
const EXTRA = { batch_size: 100, ...FIXED_RANGE };
const counter = reliabilityCounter('crash-read');
const sandboxes: Sandbox[] = [];

async function sandbox(): Promise<Sandbox> {
  const s = await startTestSandbox(SANDBOX);
  sandboxes.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('read: SIGKILL at random moments, resumed from the last STATE', () => {
  it(`survives ${KILLS} kills of a ${CONSENTS}-consent, multi-batch read with nothing lost and nothing scheduled twice`, { timeout: soakOr(240_000, 1_200_000) }, async () => {
    const clean = await sandbox();
    const ids = clean.consents().map((c) => c.id);
    const started = Date.now();
    const reference = await readAll(clean, ids, { extra: EXTRA });
    const referenceMs = Date.now() - started;
    expect(reference.exitCode, reference.stderr).toBe(0);
    expect(Object.keys(clean.stats().batches_created).length, 'the reference must span several batches').toBeGreaterThanOrEqual(3);
    counter.add({ runs_scanned_for_secrets: 1 });

    const random = new SeededRandom(SEED);
    const shape = {
      // Each kill lands within about a quarter of a read, so a chain sees several before it ends.
      maxDelayMs: Math.round(referenceMs / 4) + 400,
      maxLines: Math.max(10, Math.round(reference.stdoutLines.length / 4)),
      maxStates: Math.max(2, Math.round(reference.states.length / 4)),
    };
    let kills = 0;
    const moments: string[] = [];
    for (let chain = 0; kills < KILLS; chain++) {
      expect(chain, `too many chains ended before being killed; kills so far: ${moments.join(' | ')}`).toBeLessThan(KILLS);
      const target = await sandbox();
      const result = await runCrashChain({
        config: readConfig(target, ids, EXTRA),
        catalog: configuredCatalog() as unknown as Record<string, unknown>,
        random,
        shape,
        kills: KILLS - kills,
      });
      kills += result.kills;
      moments.push(...result.moments);
      const context = `chain ${chain}, kills at: ${result.moments.join(' | ')}`;
      process.stderr.write(`crash-read ${context}; ${result.attempts.length} attempts; reference read ${referenceMs} ms\n`);
      counter.add({ runs_scanned_for_secrets: result.attempts.length });

      const blobs = result.attempts.flatMap((a) => a.states.map((state) => state.stream?.stream_state));
      expect(schedulingProblems(target.stats(), completedSyncTimes(blobs)), context).toEqual([]);
      const report = compareDelivery(result.attempts, reference);
      counter.add({ read_kills_survived: result.kills, records_compared: report.compared, records_lost: report.lost });
      expect(report.problems, context).toEqual([]);
      expect(report.lost).toBe(0);
      // The last attempt ended the sync: nothing left in flight in any stream's state.
      expect(finalStatesInFlight(result.final), context).toEqual([]);
      if (result.kills > 0 && result.attempts.slice(0, -1).some((a) => a.states.length > 0)) {
        expect(result.attempts.slice(1).some((a) => a.logs.some((l) => l.message.startsWith('Resuming sync'))), context).toBe(true);
      }
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
  });
});

function finalStatesInFlight(output: EntrypointOutput): string[] {
  const last = new Map<string, Record<string, unknown>>();
  for (const s of output.states) last.set(s.stream!.stream_descriptor.name, (s.stream!.stream_state ?? {}) as Record<string, unknown>);
  return [...last].filter(([, blob]) => blob['sync'] !== undefined && (blob['sync'] as { batches: unknown[] }).batches.length > 0).map(([stream]) => stream);
}
