import type { AirbyteStateMessage } from '../../connector/protocol/airbyte-message.js';
import { makeTempDir, writeInputFile, type EntrypointOutput } from '../support/index.js';
import { describeTrigger, nextKillTrigger, type KillPlanShape } from './kill-trigger.js';
import { runKillable } from './kill-runner.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * A `read` that keeps being killed and resumed, as the platform does it: after each SIGKILL
 * the next attempt gets the last STATE the platform received for each stream (a stream with
 * no new STATE keeps its older one), until an attempt runs to the end.
 */
export interface CrashChainResult {
  /** Every attempt's complete output, in order; the last one ran to the end. */
  attempts: EntrypointOutput[];
  kills: number;
  /** How each kill was triggered, for failure messages. */
  moments: string[];
  final: EntrypointOutput;
}

export interface CrashChainOptions {
  config: Record<string, unknown>;
  catalog: Record<string, unknown>;
  random: SeededRandom;
  shape: KillPlanShape;
  /** Kill at most this many attempts; then one runs to the end. The chain ends with the first attempt that ends on its own. */
  kills: number;
  /** Give up (fail) after this many attempts without an end. */
  maxAttempts?: number;
}

export async function runCrashChain(options: CrashChainOptions): Promise<CrashChainResult> {
  const dir = makeTempDir('finpro-crash-');
  try {
    const config = writeInputFile(dir.path, 'config.json', options.config);
    const catalog = writeInputFile(dir.path, 'catalog.json', options.catalog);
    const platformState = new Map<string, AirbyteStateMessage>();
    const attempts: EntrypointOutput[] = [];
    const moments: string[] = [];
    let kills = 0;
    for (let attempt = 0; attempt < (options.maxAttempts ?? options.kills * 3 + 5); attempt++) {
      const args = ['read', '--config', config, '--catalog', catalog];
      if (platformState.size > 0) args.push('--state', writeInputFile(dir.path, `state-${attempt}.json`, [...platformState.values()]));
      const trigger = kills < options.kills ? nextKillTrigger(options.random, options.shape) : undefined;
      const run = await runKillable(args, trigger !== undefined ? { trigger } : {});
      attempts.push(run.output);
      if (run.output.protocolErrors.length > 0) {
        throw new Error(`attempt ${attempt} printed invalid protocol: ${run.output.protocolErrors.slice(0, 3).join('; ')}`);
      }
      for (const state of run.output.states) {
        if (state.type === 'STREAM' && state.stream !== undefined) platformState.set(state.stream.stream_descriptor.name, state);
      }
      if (run.killed) {
        kills++;
        moments.push(`${describeTrigger(trigger!)} (${run.output.states.length} states, ${run.output.records.length} records)`);
        continue;
      }
      if (run.output.exitCode !== 0) {
        throw new Error(`attempt ${attempt} (after kills at ${moments.join(' | ')}) failed with exit ${run.output.exitCode}: ${JSON.stringify(run.output.errors)}\n${run.output.stderr.slice(-2000)}`);
      }
      // Ended on its own (maybe before every planned kill: the caller starts another chain).
      return { attempts, kills, moments, final: run.output };
    }
    throw new Error(`no attempt ran to the end after ${attempts.length} attempts (kills at ${moments.join(' | ')})`);
  } finally {
    dir.remove();
  }
}
