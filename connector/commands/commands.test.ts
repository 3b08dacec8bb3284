import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxConfig, useSandbox } from '../../integration_tests/support/sandbox-fixture.js';
import { makeTempDir } from '../../integration_tests/support/temp-files.js';
import { ConfigError } from '../errors/connector-errors.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { buildSpec } from '../spec-builder.js';
import { runCheck } from './check-command.js';
import { runDiscover } from './discover-command.js';
import { runSpec } from './spec-command.js';

/** The commands in process, writing to a CollectingSink (as `sync` does), against a real sandbox. */
describe('commands', () => {
  const sandbox = useSandbox({ consents: 10 });
  const dir = makeTempDir();
  afterAll(() => dir.remove());
  const configFile = (value: unknown) => {
    const path = dir.file(`config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  it('spec emits the built spec', async () => {
    const sink = new CollectingSink();
    await runSpec(sink);
    expect(sink.messages).toEqual([{ type: 'SPEC', spec: buildSpec() }]);
  });

  it('check emits one CONNECTION_STATUS: SUCCEEDED, or FAILED for a bad config (never a throw)', async () => {
    const ok = new CollectingSink();
    await runCheck(configFile(sandboxConfig(sandbox())), ok);
    expect(ok.messages).toEqual([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } }]);
    const bad = new CollectingSink();
    await runCheck(configFile({ ...sandboxConfig(sandbox()), max_concurrency: 0 }), bad);
    expect(bad.messages).toHaveLength(1);
    expect(bad.messages[0]).toMatchObject({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: expect.stringContaining('config.max_concurrency') } });
  });

  it('discover emits the catalog, and throws a ConfigError for a bad config', async () => {
    const sink = new CollectingSink();
    await runDiscover(configFile(sandboxConfig(sandbox())), sink);
    expect(sink.messages[0]!.type).toBe('CATALOG');
    await expect(runDiscover(configFile({}), new CollectingSink())).rejects.toBeInstanceOf(ConfigError);
  });
});
