import { spawn } from 'node:child_process';
import { assertNoSecretLeak, parseEntrypointOutput, registeredSecrets, REPO_ROOT, requireBuiltCli, type EntrypointOutput } from '../support/index.js';
import type { KillTrigger } from './kill-trigger.js';

/**
 * Runs the built CLI as a subprocess and SIGKILLs it at the trigger's moment, the way a
 * worker dies on the platform: no signal handler runs, nothing is flushed. What the platform
 * keeps is every complete stdout line written before the kill (a half-written last line is
 * dropped), so that is what the result holds. Its stdout and stderr are scanned for every
 * registered secret, as the harness does for whole runs.
 */
export interface KillableRun {
  output: EntrypointOutput;
  /** True when the process died by our SIGKILL; false when it ended on its own first. */
  killed: boolean;
  elapsedMs: number;
}

export interface KillableRunOptions {
  trigger?: KillTrigger;
  /** Kill and fail after this long (a hang is a bug too). */
  timeoutMs?: number;
  secrets?: readonly string[];
  env?: Record<string, string | undefined>;
  /** Kill when this signal aborts (a condition the test watches, e.g. the sandbox's books). */
  killSignal?: AbortSignal;
}

export async function runKillable(args: readonly string[], options: KillableRunOptions = {}): Promise<KillableRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [requireBuiltCli(), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, SOURCE_FINPRO_DEBUG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lines = 0;
  let states = 0;
  let killed = false;
  let timedOut = false;
  const kill = (): void => {
    if (killed || child.exitCode !== null || child.signalCode !== null) return;
    killed = child.kill('SIGKILL');
  };
  const trigger = options.trigger;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    // Count only lines completed by this chunk; a kill between lines is the common case.
    for (let from = stdout.length, at = (stdout += chunk).indexOf('\n', from); at !== -1; at = stdout.indexOf('\n', at + 1)) {
      lines++;
      const start = stdout.lastIndexOf('\n', at - 1) + 1;
      if (stdout.startsWith('{"type":"STATE"', start)) states++;
      if (trigger?.kind === 'lines' && lines >= trigger.after) kill();
      if (trigger?.kind === 'state' && states >= trigger.after) kill();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timers: NodeJS.Timeout[] = [];
  if (trigger?.kind === 'time') timers.push(setTimeout(kill, trigger.afterMs));
  if (options.killSignal?.aborted) kill();
  options.killSignal?.addEventListener('abort', kill, { once: true });
  timers.push(
    setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000),
  );
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  }).finally(() => timers.forEach(clearTimeout));
  if (timedOut) throw new Error(`source-finpro ${args[0]} did not finish within ${options.timeoutMs ?? 120_000} ms; stderr:\n${stderr.slice(-2000)}`);
  assertNoSecretLeak({ stdout, stderr }, [...registeredSecrets(), ...(options.secrets ?? [])]);
  const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
  return { output: parseEntrypointOutput(complete, stderr, code, signal), killed: killed && signal === 'SIGKILL', elapsedMs: Date.now() - started };
}
