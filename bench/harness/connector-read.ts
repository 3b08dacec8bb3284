import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxOptions, SandboxStats } from '../../sandbox/index.js';
import type { BenchContext } from './bench-context.js';
import { runChild, assertClean, type ChildRunResult } from './child-run.js';
import { writeFixture } from './connector-fixture.js';
import { countMessagesInFile, type MessageCounts } from './record-counter.js';
import { startSandboxProcess } from './sandbox-process.js';

/**
 * One measured `read` of the built CLI against a fresh sandbox process: the connector's
 * wall, CPU and peak RSS (its own process only), its messages counted, and what the sandbox
 * saw. A fresh sandbox per run keeps runs independent (no quota spent by an earlier run,
 * stats that count this run only).
 */
export interface ConnectorReadInput {
  label: string;
  consents: number;
  sandbox: SandboxOptions;
  /** Config fields beyond credentials, base_url and the consent file. */
  config: Record<string, unknown>;
  streams?: string[];
  timeoutMs: number;
  /**
   * Count the messages on stdout (default: the child writes a file, counted after it exits, so
   * the count costs the child nothing), or send them to /dev/null.
   */
  stdout?: 'count' | 'ignore';
  /** Fetch the sandbox's stats after the run (default). At 100,000 consents they are tens of MB. */
  stats?: boolean;
}

export interface ConnectorReadResult {
  run: ChildRunResult;
  counts: MessageCounts | undefined;
  /** Undefined when the input asked for none. */
  stats: SandboxStats | undefined;
  sandboxCpuSeconds: number;
}

export async function runConnectorRead(ctx: BenchContext, input: ConnectorReadInput): Promise<ConnectorReadResult> {
  const dir = join(ctx.workDir, input.label);
  const consentIdsFile = join(dir, 'consents.txt');
  await mkdir(dir, { recursive: true });
  const sandbox = await startSandboxProcess({ root: ctx.codeRoot, options: { ...input.sandbox, consents: input.consents }, consentIdsFile });
  try {
    const fixture = await writeFixture({
      dir,
      baseUrl: sandbox.url,
      credentials: sandbox.credentials,
      consentIdsFile,
      config: input.config,
      ...(input.streams ? { streams: input.streams } : {}),
    });
    const outFile = input.stdout === 'ignore' ? undefined : join(dir, 'stdout.jsonl');
    const sandboxCpuBefore = sandbox.cpuSeconds();
    const run = await runChild({
      command: process.execPath,
      args: [join(ctx.codeRoot, 'dist', 'connector', 'main.js'), 'read', '--config', fixture.configPath, '--catalog', fixture.catalogPath],
      stdout: outFile !== undefined ? { file: outFile } : 'ignore',
      timeoutMs: input.timeoutMs,
    });
    const sandboxCpuSeconds = sandbox.cpuSeconds() - sandboxCpuBefore;
    const counts = outFile !== undefined ? await countMessagesInFile(outFile) : undefined;
    if (outFile !== undefined) await rm(outFile, { force: true });
    assertClean(`read (${input.label})`, run, counts?.errors);
    const stats = input.stats === false ? undefined : await sandbox.stats();
    return { run, counts, stats, sandboxCpuSeconds };
  } finally {
    await sandbox.close();
  }
}

/** The sandbox stats of a read that asked for them. */
export function statsOf(read: ConnectorReadResult): SandboxStats {
  if (read.stats === undefined) throw new Error('this read was run without sandbox stats');
  return read.stats;
}

/** Requests the sandbox answered for a route (every status), from its stats. */
export function routeRequests(stats: SandboxStats, route: string): number {
  const byStatus = stats.requests.by_route[route] ?? {};
  return Object.values(byStatus).reduce((sum, n) => sum + n, 0);
}

/** The FinPro paths, as the sandbox's stats name them. */
export const ROUTES = {
  schedule: '/v2/schedule/fi/requests',
  upload: '/fi/requests/schedule/upload/v3',
  status: '/bulk/status',
  data: '/getallfidata',
  fiRequest: '/fi/request',
  fiStatus: '/consent/firequest/status',
} as const;
