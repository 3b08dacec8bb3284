import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxCredentials, SandboxOptions, SandboxStats } from '../../sandbox/index.js';
import { readProcCpu } from './proc-reader.js';

/**
 * The parent's handle on a sandbox child (bench/sandbox/sandbox-child.ts). Stats come over
 * the sandbox's own introspection route, as any client would read them.
 */
export interface SandboxProcess {
  url: string;
  credentials: SandboxCredentials;
  pid: number;
  consentIdsFile: string | undefined;
  stats(): Promise<SandboxStats>;
  resetStats(): Promise<void>;
  /** CPU seconds the sandbox has used so far (from /proc/<pid>/stat). */
  cpuSeconds(): number;
  close(): Promise<void>;
}

export interface SandboxProcessOptions {
  root: string;
  options: SandboxOptions;
  consentIdsFile?: string;
  startTimeoutMs?: number;
}

export async function startSandboxProcess(input: SandboxProcessOptions): Promise<SandboxProcess> {
  const script = join(input.root, 'dist', 'bench', 'sandbox', 'sandbox-child.js');
  const request = { options: input.options, ...(input.consentIdsFile ? { consentIdsFile: input.consentIdsFile } : {}) };
  const child = spawn(process.execPath, [script, JSON.stringify(request)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  const first = await firstLine(child, input.startTimeoutMs ?? 120_000).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`sandbox did not start: ${error instanceof Error ? error.message : String(error)} ${stderr.trim()}`);
  });
  const { url, credentials } = JSON.parse(first) as { url: string; credentials: SandboxCredentials };
  const pid = child.pid!;
  return {
    url,
    credentials,
    pid,
    consentIdsFile: input.consentIdsFile,
    async stats() {
      const response = await fetch(`${url}/_sandbox/stats`);
      if (!response.ok) throw new Error(`sandbox stats: HTTP ${response.status}`);
      return (await response.json()) as SandboxStats;
    },
    async resetStats() {
      const response = await fetch(`${url}/_sandbox/reset-stats`, { method: 'POST' });
      await response.arrayBuffer();
    },
    cpuSeconds: () => readProcCpu(pid)?.selfSeconds ?? Number.NaN,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}`));
    });
  });
}
