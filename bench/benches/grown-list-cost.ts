import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxStats } from '../../sandbox/index.js';
import type { BenchContext } from '../harness/bench-context.js';
import type { Figure } from '../harness/bench-types.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { assertClean, runChild } from '../harness/child-run.js';
import { writeFixture } from '../harness/connector-fixture.js';
import { startSandboxProcess } from '../harness/sandbox-process.js';

/**
 * What adding consents to the list costs the next incremental sync. One sandbox: a first
 * sync of 99% of its consents, then from its state two next syncs, one with the same list
 * and one with the whole list (1% added). Every consent is asked again each sync (for the
 * range since its watermark), so the grown sync should cost about 1% more requests and bring
 * only the added consents' history; a list change that re-read every consent's whole range
 * would bring the first sync's data all over again.
 */
export async function measureGrownList(ctx: BenchContext, consents: number, readRangeDays: number): Promise<{ method: string; figures: Figure[] }> {
  const dir = join(ctx.workDir, `grown-${consents}`);
  await mkdir(dir, { recursive: true });
  const allFile = join(dir, 'all.txt');
  const sandbox = await startSandboxProcess({ root: ctx.codeRoot, options: { ...FAST_SANDBOX, consents }, consentIdsFile: allFile });
  try {
    const ids = (await readFile(allFile, 'utf8')).split('\n').filter((line) => line !== '');
    const kept = ids.slice(0, Math.round(ids.length * 0.99));
    const keptFile = join(dir, 'kept.txt');
    await writeFile(keptFile, `${kept.join('\n')}\n`);
    const range = dataRange(readRangeDays);
    const read = async (label: string, file: string, state?: string): Promise<{ stats: SandboxStats; stdoutFile: string }> => {
      const fixture = await writeFixture({
        dir: join(dir, label),
        baseUrl: sandbox.url,
        credentials: sandbox.credentials,
        consentIdsFile: file,
        config: { fi_data_range_from: range.from },
        syncMode: 'incremental',
      });
      const stdoutFile = join(dir, label, 'stdout.jsonl');
      await sandbox.resetStats();
      const run = await runChild({
        command: process.execPath,
        args: [join(ctx.codeRoot, 'dist', 'connector', 'main.js'), 'read', '--config', fixture.configPath, '--catalog', fixture.catalogPath, ...(state ? ['--state', state] : [])],
        stdout: { file: stdoutFile },
        timeoutMs: 20 * 60_000,
      });
      assertClean(`read (${label})`, run, undefined);
      return { stats: await sandbox.stats(), stdoutFile };
    };
    const first = await read('first', keptFile);
    const stateFile = join(dir, 'state.json');
    await writeFile(stateFile, JSON.stringify(await lastStates(first.stdoutFile)));
    const same = await read('same-list', keptFile, stateFile);
    const grown = await read('grown-list', allFile, stateFile);
    const label = `${consents.toLocaleString('en-US')} consents, +${ids.length - kept.length}`;
    ctx.log(`grown list ${label}: requests ${same.stats.requests.total} -> ${grown.stats.requests.total}; transactions ${same.stats.getallfidata.transactions} -> ${grown.stats.getallfidata.transactions} (first sync ${first.stats.getallfidata.transactions})`);
    const figures: Figure[] = [
      {
        bench: 'api-cost',
        name: `requests of the next sync after adding 1%, over the same list's (${label})`,
        value: { samples: [grown.stats.requests.total / Math.max(1, same.stats.requests.total)], unit: 'ratio' },
        target: { metric: 'value', op: '<', threshold: 1.03, text: '< 1.03 (about 1% more)' },
      },
      {
        bench: 'api-cost',
        name: `transactions served to the next sync after adding 1%, over the first sync's (${label})`,
        value: { samples: [grown.stats.getallfidata.transactions / Math.max(1, first.stats.getallfidata.transactions)], unit: 'ratio' },
        target: { metric: 'value', op: '<', threshold: 0.05, text: '< 0.05 (the added consents\' history, not everyone\'s again)' },
      },
    ];
    return {
      method: `Grown list (${label}): one sandbox; a first incremental sync of 99% of its consents, then, each from that sync's last STATE per stream, the next sync with the same list and the next sync with every consent.`,
      figures,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * The last STATE message of each stream in a read's stdout, as the platform passes them to the
 * next sync. Read line by line: a 10,000-consent year of every stream is more text than one JS
 * string may hold (the full run at 40fd3f0 failed with "Invalid string length").
 */
async function lastStates(stdoutFile: string): Promise<unknown[]> {
  const last = new Map<string, unknown>();
  for await (const line of createInterface({ input: createReadStream(stdoutFile), crlfDelay: Infinity })) {
    if (!line.startsWith('{"type":"STATE"')) continue;
    const message = JSON.parse(line) as { state: { stream: { stream_descriptor: { name: string } } } };
    last.set(message.state.stream.stream_descriptor.name, message.state);
  }
  return [...last.values()];
}
