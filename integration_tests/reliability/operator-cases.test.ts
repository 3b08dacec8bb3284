import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from '../../connector/load/test-support/postgres-test-db.js';
import { fixedRange, runCli, spawnCli, syncConfig } from '../load/load-harness.js';
import { configuredCatalog, makeTempDir, runConnector, runRead, sandboxConfig, startTestSandbox, testConfig, writeInputFile } from '../support/index.js';

/**
 * The cases of issue 11: what an operator really does to a deployment (a consents CSV from a
 * spreadsheet, a secret pasted with its newline, two syncs at once, a database restarted
 * mid-sync...), each through the built CLI, each with the behaviour the README promises.
 */

const dir = makeTempDir('finpro-operator-');
const sandboxes: Sandbox[] = [];
const schemas: string[] = [];

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
  await dropSchemas(schemas);
  dir.remove();
});

async function sandboxWith(options: Parameters<typeof startTestSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startTestSandbox({ consents: 60, speed: 200, rateLimit: { limit: 100_000, windowMs: 60_000 }, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}

const catalog = () => configuredCatalog({ streams: ['bulk_batch_rows', 'fi_transactions'] });

/** The one error of a run that failed at the door. */
function onlyConfigError(output: Awaited<ReturnType<typeof runRead>>): string {
  expect(output.exitCode).toBe(1);
  expect(output.errors).toHaveLength(1);
  expect(output.errors[0]!.failure_type).toBe('config_error');
  expect(output.records).toHaveLength(0);
  return output.errors[0]!.message;
}

describe('config an operator gets wrong', () => {
  it('fi_data_range_from after fi_data_range_to: a config_error naming both fields', async () => {
    const config = testConfig({ extra: { fi_data_range_from: '2026-03-01T00:00:00Z', fi_data_range_to: '2026-02-01T00:00:00Z' } });
    const message = onlyConfigError(await runRead({ config, catalog: catalog() }));
    expect(message).toMatch(/config\.fi_data_range_from: is after config\.fi_data_range_to/);
  });

  it('a client_secret with a newline: a config_error, not a transient failure', async () => {
    const config = testConfig();
    config.credentials['client_secret'] = `${config.credentials['client_secret']!}\n`;
    const message = onlyConfigError(await runRead({ config, catalog: catalog() }));
    expect(message).toMatch(/config\.credentials\.client_secret: must not contain a newline/);
  });

  it.each(['null', '2026'])('a client_secret of %j is refused, and the output stays exact and valid', async (secret) => {
    // A path, not an object: the harness would otherwise scan the output for "null" and "2026", which it must contain.
    const config = testConfig();
    config.credentials['client_secret'] = secret;
    const path = writeInputFile(dir.path, `secret-${secret}.json`, config);
    const output = await runConnector(['read', '--config', path, '--catalog', writeInputFile(dir.path, 'catalog.json', catalog())]);
    const message = onlyConfigError(output);
    expect(message).toMatch(/config\.credentials\.client_secret: must be at least 8 characters/);
    // Nothing was redacted: every line parses, and the TRACE's own nulls and times are intact.
    for (const line of output.stdoutLines) expect(line).not.toContain('**********');
    expect(String(output.messages[0]!.trace?.emitted_at)).toMatch(/^\d{13}$/);
  });
});

describe('consent lists from the real world', () => {
  it('a consents CSV with quoted commas, a BOM and CRLF is read as RFC 4180', async () => {
    const sandbox = await sandboxWith();
    const ids = sandbox.consents('ACTIVE').slice(0, 3).map((c) => c.id);
    const csv = `\uFEFFname,consentId,note\r\n"Doe, John",${ids[0]},"first, of three"\r\n"Roe, Jane","${ids[1]}",\r\nPlain,${ids[2]},x\r\n`;
    const file = dir.file('consents.csv');
    writeFileSync(file, csv);
    const config = sandboxConfig(sandbox, { consentIds: [], extra: { consent_ids: undefined, consent_ids_file: file } });
    const output = await runRead({ config, catalog: catalog() });
    expect(output.exitCode).toBe(0);
    expect(Object.keys(sandbox.stats().fi_requests).sort()).toEqual([...ids].sort());
    expect(new Set(output.recordsByStream.get('bulk_batch_rows')!.map((r) => r['consent_id']))).toEqual(new Set(ids));
  });

  it('the same consent in upper and lower case is fetched once, with a warning', async () => {
    const sandbox = await sandboxWith();
    const [a, b] = sandbox.consents('ACTIVE').slice(0, 2).map((c) => c.id) as [string, string];
    const config = sandboxConfig(sandbox, { consentIds: [a, b, a.toUpperCase()] });
    const output = await runRead({ config, catalog: catalog() });
    expect(output.exitCode).toBe(0);
    const requests = Object.entries(sandbox.stats().fi_requests).filter(([id]) => id.toLowerCase() === a);
    expect(requests.reduce((sum, [, r]) => sum + r.count, 0)).toBe(1);
    expect(output.logs.some((log) => log.level === 'WARN' && log.message.includes(`Consent ${a.toUpperCase()} is consent ${a} in another case`))).toBe(true);
  });
});

const pgAvailable = await postgresAvailable();

describe.skipIf(!pgAvailable)('a Postgres destination', () => {
  function syncArgs(sandbox: Sandbox, schema: string, extraUrl = ''): string[] {
    const config = writeInputFile(dir.path, `sync-${schema}.json`, syncConfig(sandbox, fixedRange(), { batch_size: 50 }));
    return ['sync', '--config', config, '--to', `${PG_URL}?schema=${schema}${extraUrl}`];
  }

  it('two syncs into one schema: the second fails at once with a clear error, the first completes alone', async () => {
    const sandbox = await sandboxWith({ consents: 150, speed: 20 });
    const schema = uniqueSchema('rel_two');
    schemas.push(schema);
    const first = spawnCli(syncArgs(sandbox, schema));
    await waitFor(async () => (await schemaLocked(schema)) || first.child.exitCode !== null, 30_000);
    const startedAt = Date.now();
    const second = await runCli(syncArgs(sandbox, schema));
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^source-finpro sync failed \(config_error\): Another sync or load is writing to .*\(schema rel_two_/m);
    expect(second.stdout).toBe('');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    // Batches are named <prefix>-<sync time>-<n>: one sync time, so the second sync planned nothing.
    const syncTimes = new Set(Object.keys(sandbox.stats().batches_created).map((ref) => ref.split('-')[1]));
    expect(syncTimes.size).toBe(1);
  });

  it('the destination killed mid-sync: one line on stderr with its failure type, nothing on stdout; the next sync resumes', async () => {
    const sandbox = await sandboxWith({ consents: 150, speed: 20 });
    const schema = uniqueSchema('rel_kill');
    schemas.push(schema);
    const app = `rel11_${schema}`;
    const running = spawnCli(syncArgs(sandbox, schema, `&application_name=${app}`));
    await waitFor(async () => (await committedStates(schema)) > 0 || running.child.exitCode !== null, 60_000);
    await terminateBackends(app);
    const killed = await running.done;
    expect(killed.code).toBe(1);
    expect(killed.stdout).toBe('');
    const lines = killed.stderr.split('\n').filter((line) => /^source-finpro|Error|^\s+at /.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^source-finpro sync failed \(transient_error\): The destination .* failed: terminating connection/);
    const again = await runCli(syncArgs(sandbox, schema));
    expect(again.code, again.stderr).toBe(0);
  });

  it('the destination down at the start: one line on stderr with its failure type', async () => {
    const sandbox = await sandboxWith();
    const args = syncArgs(sandbox, 'rel_down');
    args[args.length - 1] = 'postgres://postgres@127.0.0.1:9/test?schema=rel_down';
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').filter((line) => line.includes('failed'))).toEqual([expect.stringMatching(/^source-finpro sync failed \(config_error\): Cannot connect to postgres:/)]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function withClient<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

function schemaLocked(schema: string): Promise<boolean> {
  return withClient(async (client) => {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = hashtext('source-finpro')::oid AND objid = hashtext($1)::oid`,
      [schema],
    );
    return (rows[0] as { n: number }).n > 0;
  });
}

function committedStates(schema: string): Promise<number> {
  return withClient(async (client) => {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_airbyte_state'`, [schema]);
    if ((rows[0] as { n: number }).n === 0) return 0;
    const states = await client.query(`SELECT count(*)::int AS n FROM "${schema}"._airbyte_state`);
    return (states.rows[0] as { n: number }).n;
  });
}

function terminateBackends(applicationName: string): Promise<void> {
  return withClient(async (client) => {
    const { rows } = await client.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    expect(rows.length).toBeGreaterThan(0);
  });
}
