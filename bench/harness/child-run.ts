import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { readProcCpu, readProcMemory } from './proc-reader.js';

/**
 * Runs one measured child process: wall time, CPU seconds and peak RSS of that process alone
 * (not the sandbox, not this bench process), with a hard time limit so a bench always ends.
 *
 * CPU: the kernel adds a child's utime+stime to our cutime+cstime when we reap it, so the
 * difference across the run is exactly the child's CPU. That needs one measured child at a
 * time, which the runner guarantees (the sandbox is a child too but is reaped only at the end).
 * Peak RSS: VmHWM from /proc/<pid>/status, sampled; it is a high-water mark, so a sample
 * taken late still holds every earlier peak.
 */
export interface ChildRunOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Where stdout goes: 'ignore' (/dev/null), `{ file }` (the child writes the file itself, so
   * a slow reader here can never stall it), or a writable this process feeds from a pipe.
   */
  stdout: Writable | 'ignore' | { file: string };
  timeoutMs: number;
  /** RSS sampling period. */
  sampleMs?: number;
  /** A file to feed the child's stdin (e.g. a captured `read` for `load`); default: none. */
  stdinFile?: string;
}

export interface ChildRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  stderrTail: string;
}

const STDERR_TAIL = 4000;

export async function runChild(options: ChildRunOptions): Promise<ChildRunResult> {
  // The child reads the file itself (an inherited fd), so this process copies nothing.
  const stdinFd = options.stdinFile !== undefined ? openSync(options.stdinFile, 'r') : undefined;
  const stdoutTarget = options.stdout;
  const stdoutFd = typeof stdoutTarget === 'object' && 'file' in stdoutTarget ? openSync(stdoutTarget.file, 'w') : undefined;
  const stdoutSink = stdoutTarget !== 'ignore' && stdoutFd === undefined ? (stdoutTarget as Writable) : undefined;
  const cpuBefore = readProcCpu('self');
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: [stdinFd ?? 'ignore', stdoutFd ?? (stdoutSink ? 'pipe' : 'ignore'), 'pipe'],
  });
  if (stdinFd !== undefined) closeSync(stdinFd);
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  const pid = child.pid;
  let peakRssBytes = 0;
  const sample = () => {
    if (pid === undefined) return;
    const memory = readProcMemory(pid);
    if (memory && memory.peakRssBytes > peakRssBytes) peakRssBytes = memory.peakRssBytes;
  };
  const sampler = setInterval(sample, options.sampleMs ?? 100);
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL);
  });
  let stdoutDone: Promise<unknown> = Promise.resolve();
  if (stdoutSink && child.stdout) {
    child.stdout.pipe(stdoutSink);
    stdoutDone = once(stdoutSink, 'finish');
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const [exitCode, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  const wallSeconds = (performance.now() - started) / 1000;
  clearTimeout(timer);
  clearInterval(sampler);
  await stdoutDone;
  const cpuAfter = readProcCpu('self');
  const cpuSeconds = cpuBefore && cpuAfter ? cpuAfter.childrenSeconds - cpuBefore.childrenSeconds : Number.NaN;
  return { exitCode, signal, timedOut, wallSeconds, cpuSeconds, peakRssBytes, stderrTail };
}

/** Throws with the child's own words when it did not end cleanly. */
export function assertClean(what: string, result: ChildRunResult, errors: readonly string[] = []): void {
  if (result.timedOut) throw new Error(`${what} timed out after ${result.wallSeconds.toFixed(0)} s`);
  if (result.exitCode !== 0) {
    const detail = errors.length > 0 ? errors.slice(0, 3).join(' | ') : result.stderrTail.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${what} exited with ${result.exitCode ?? result.signal}: ${detail}`);
  }
}
