import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from '../../connector/load/test-support/postgres-test-db.js';
import { spawn } from 'node:child_process';
import { hostileServer } from '../support/hostile-server.js';
import { duckdbBusinessTables, duckdbQuery, fixedRange, runCli, spawnCli, syncConfig } from '../load/load-harness.js';
import {
  configuredCatalog,
  makeTempDir,
  parseEntrypointOutput,
  REPO_ROOT,
  requireBuiltCli,
  runConnector,
  runRead,
  sandboxConfig,
  StateBuilder,
  startTestSandbox,
  testConfig,
  writeInputFile,
} from '../support/index.js';
import { deliveredData } from '../read/read-harness.js';
import { compareDelivery, completedSyncTimes, schedulingProblems } from './delivery-check.js';
import { reliabilityCounter } from './reliability-summary.js';

/**
 * The cases of issue 11: what an operator really does to a deployment (a consents CSV from a
 * spreadsheet, a secret pasted with its newline, two syncs at once, a database restarted
 * mid-sync...), each through the built CLI, each with the behaviour the README promises.
 */

const dir = makeTempDir('finpro-operator-');
const counter = reliabilityCounter('operator-cases');

beforeEach(() => {
  counter.add({ operator_cases_tried: 1 });
  onTestFinished(({ task }) => {
    if (task.result?.state === 'pass') counter.add({ operator_cases_met: 1 });
  });
});
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
    // Nothing was withheld or masked: every line parses, and the TRACE's own nulls and times are intact.
    for (const line of output.stdoutLines) expect(line).not.toMatch(/\*{10}|withheld/);
    expect(String((output.messages[0] as { trace: { emitted_at: number } }).trace.emitted_at)).toMatch(/^\d{13}$/);
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

describe('cancelled by SIGTERM, as the platform cancels', () => {
  const SLOW = { seed: 11, consents: 150, speed: 15 };
  const FAST = { seed: 11, consents: 150, speed: 200 };
  const range = fixedRange();
  const readConfig = (sandbox: Sandbox) => syncConfig(sandbox, range, { batch_size: 50 });
  const fullCatalog = () => configuredCatalog({});

  it('read: stops within seconds with whole lines for a slow reader, INCOMPLETE statuses, a TRACE, non-zero exit; its last STATE resumes with nothing lost', async () => {
    const sandbox = await sandboxWith(SLOW);
    const files = { config: writeInputFile(dir.path, 'term-config.json', readConfig(sandbox)), catalog: writeInputFile(dir.path, 'term-catalog.json', fullCatalog()) };
    const child = spawn(process.execPath, [requireBuiltCli(), 'read', '--config', files.config, '--catalog', files.catalog], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const onData = (chunk: string) => (stdout += chunk);
    child.stdout.setEncoding('utf8').on('data', onData);
    await waitFor(async () => (stdout.match(/"type":"STATE"/g)?.length ?? 0) >= 3 || child.exitCode !== null, 60_000);
    expect(child.exitCode).toBeNull();
    // The reader stalls: the pipe fills and the connector blocks mid-stream, as behind a slow destination.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.stdout.resume();
    const code = await exited;
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(code, stderr).toBe(1);
    expect(stdout.endsWith('\n')).toBe(true);
    const cancelled = parseEntrypointOutput(stdout, stderr, code, null);
    expect(cancelled.protocolErrors).toEqual([]);
    const last = cancelled.messages.at(-1) as { type: string; trace?: { type: string; error?: { failure_type: string; message: string } } };
    // What this checks is the order of the closing lines: a failure shows the last ones.
    const tail = cancelled.stdoutLines.slice(-3).map((line) => line.slice(0, 300)).join('\n');
    expect(last.trace?.error, `the last stdout lines:\n${tail}\nstderr:\n${stderr.slice(-2000)}`).toMatchObject({ failure_type: 'transient_error', message: expect.stringMatching(/cancelled \(SIGTERM\)/) });
    const streams = fullCatalog().streams.map((s) => s.stream.name);
    expect(cancelled.streamStatuses.filter((s) => s.status === 'INCOMPLETE').map((s) => s.stream).sort()).toEqual([...streams].sort());

    const resumed = await runRead({ config: files.config, catalog: files.catalog, state: StateBuilder.fromEmitted(cancelled.states).build() }, { timeoutMs: 120_000 });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const referenceSandbox = await sandboxWith(FAST);
    const reference = await runRead({ config: readConfig(referenceSandbox), catalog: fullCatalog() }, { timeoutMs: 120_000 });
    expect(reference.exitCode).toBe(0);
    const report = compareDelivery([cancelled, resumed], reference);
    expect(report.problems).toEqual([]);
    expect(schedulingProblems(sandbox.stats(), completedSyncTimes([...cancelled.states, ...resumed.states]))).toEqual([]);
  });

  it('sync: commits what its checkpoints cover, says so in one line, and the next sync ends with the tables of an uninterrupted one', async () => {
    const sandbox = await sandboxWith(SLOW);
    const config = writeInputFile(dir.path, 'term-sync.json', readConfig(sandbox));
    const file = dir.file('term.duckdb');
    const running = spawnCli(['sync', '--config', config, '--to', `duckdb:${file}`]);
    await waitFor(async () => sandbox.stats().getallfidata.requests >= 20 || running.child.exitCode !== null, 60_000);
    expect(running.child.exitCode).toBeNull();
    const signalledAt = Date.now();
    running.child.kill('SIGTERM');
    const stopped = await running.done;
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/^source-finpro sync failed \(transient_error\): The source failed: The sync was cancelled \(SIGTERM\)|^source-finpro sync failed \(transient_error\): The sync was cancelled \(SIGTERM\)/m);
    expect(stopped.stderr).not.toMatch(/^\s+at /m);
    const saved = await duckdbQuery(file, 'SELECT count(*) AS n FROM _airbyte_state');
    expect(Number(saved[0]!['n'])).toBeGreaterThan(0);

    const again = await runCli(['sync', '--config', config, '--to', `duckdb:${file}`]);
    expect(again.code, again.stderr).toBe(0);
    const referenceSandbox = await sandboxWith(FAST);
    const referenceFile = dir.file('term-reference.duckdb');
    const reference = await runCli(['sync', '--config', writeInputFile(dir.path, 'term-ref.json', readConfig(referenceSandbox)), '--to', `duckdb:${referenceFile}`]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(await duckdbBusinessTables(file)).toEqual(await duckdbBusinessTables(referenceFile));
  });
});

describe('a consent list that grows between syncs', () => {
  /**
   * The watermark the first sync's last STATE carries, once FinPro's clock has passed it. Syncs
   * are minutes apart; one that started within the second of the last one's watermark would find
   * every kept consent up to date and ask nothing of it (FinPro's now comes from a Date header of
   * whole seconds), so this waits, when it must, until that clock is past the watermark.
   */
  const settledWatermark = async (states: readonly unknown[]): Promise<string> => {
    const watermark = (states.at(-1) as { stream: { stream_state: { base: { watermark: string } } } }).stream.stream_state.base.watermark;
    const wait = Date.parse(watermark) + 1_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return watermark;
  };

  it('40 -> 41 consents: the 40 keep their watermark, only the new one reads its whole range', async () => {
    const sandbox = await sandboxWith({ seed: 24, consents: 120 });
    const all = sandbox.consents('ACTIVE').slice(0, 41).map((c) => c.id);
    const config = (ids: string[]) => sandboxConfig(sandbox, { consentIds: ids, extra: { batch_size: 100, fi_data_range_from: '2025-06-01T00:00:00Z' } });
    const one = await runRead({ config: config(all.slice(0, 40)), catalog: configuredCatalog({}) });
    expect(one.exitCode, one.stderr).toBe(0);
    const firstTransactions = one.recordsByStream.get('fi_transactions')!.length;
    const watermark = await settledWatermark(one.states);
    sandbox.resetStats();

    const two = await runRead({ config: config(all), catalog: configuredCatalog({}), state: StateBuilder.fromEmitted(one.states).build() });
    expect(two.exitCode, two.stderr).toBe(0);
    const requests = sandbox.stats().fi_requests;
    const fromOf = (id: string) => requests[id]?.requests.map((r) => r.fiDataRangeFrom) ?? [];
    for (const id of all.slice(0, 40)) expect(fromOf(id).map((f) => (f === null ? f : new Date(f).toISOString()))).toEqual([watermark]);
    expect(fromOf(all[40]!).map((f) => (f === null ? f : new Date(f).toISOString()))).toEqual(['2025-06-01T00:00:00.000Z']);
    const newTransactions = two.recordsByStream.get('fi_transactions')!.filter((t) => t['consent_id'] === all[40]).length;
    expect(two.recordsByStream.get('fi_transactions')!.length - newTransactions).toBeLessThan(firstTransactions / 20);
    expect(two.logs.some((l) => /1 new consent\(s\) read from the configured start/.test(l.message))).toBe(true);
  });

  it('40 -> 36 + 2 new consents: the 36 kept keep their watermark, the removed are not asked, the new read their whole range', async () => {
    const sandbox = await sandboxWith({ seed: 25, consents: 120 });
    const active = sandbox.consents('ACTIVE').map((c) => c.id);
    const first = active.slice(0, 40);
    const kept = first.slice(4);
    const added = active.slice(40, 42);
    const config = (ids: string[]) => sandboxConfig(sandbox, { consentIds: ids, extra: { batch_size: 100, fi_data_range_from: '2025-06-01T00:00:00Z' } });
    const one = await runRead({ config: config(first), catalog: configuredCatalog({}) });
    expect(one.exitCode, one.stderr).toBe(0);
    const watermark = await settledWatermark(one.states);
    sandbox.resetStats();

    // The new ones first: the plan must not depend on where a consent sits in the list.
    const two = await runRead({ config: config([...added, ...kept]), catalog: configuredCatalog({}), state: StateBuilder.fromEmitted(one.states).build() });
    expect(two.exitCode, two.stderr).toBe(0);
    const requests = sandbox.stats().fi_requests;
    const fromOf = (id: string) => (requests[id]?.requests ?? []).map((r) => (r.fiDataRangeFrom === null ? null : new Date(r.fiDataRangeFrom).toISOString()));
    for (const id of kept) expect(fromOf(id), id).toEqual([watermark]);
    for (const id of added) expect(fromOf(id), id).toEqual(['2025-06-01T00:00:00.000Z']);
    for (const id of first.slice(0, 4)) expect(fromOf(id), id).toEqual([]);
    expect(two.logs.some((l) => /2 new consent\(s\) read from the configured start/.test(l.message))).toBe(true);
  });
});

describe('clocks that disagree', () => {
  const SKEWED_CLOCK = join(REPO_ROOT, 'integration_tests/support/skewed-clock.mjs');
  const HOUR = 3_600_000;
  const withConnectorSkew = (skewMs: number) => ({ env: { NODE_OPTIONS: `--import=${SKEWED_CLOCK}`, FINPRO_TEST_CLOCK_SKEW_MS: String(skewMs) } });
  const allCatalog = () => configuredCatalog({});
  const activeIds = (sandbox: Sandbox, n: number) => sandbox.consents('ACTIVE').slice(0, n).map((c) => c.id);

  it("the connector's clock 3 minutes ahead of FinPro: ranges end at FinPro's now, no row fails InvalidDateRange", async () => {
    const sandbox = await sandboxWith({ seed: 21, clockOffsetMs: -3 * 60_000 });
    const ids = activeIds(sandbox, 15);
    const output = await runRead({ config: sandboxConfig(sandbox, { consentIds: ids, extra: { batch_size: 100 } }), catalog: allCatalog() });
    expect(output.exitCode, output.stderr).toBe(0);
    const rows = output.recordsByStream.get('bulk_batch_rows')!;
    expect(rows.filter((r) => r['error_code'] === 'InvalidDateRange')).toEqual([]);
    const final = new Map(rows.filter((r) => r['is_final'] === true).map((r) => [r['consent_id'], r['row_status']]));
    expect([...final.values()].every((status) => status === 'COMPLETED')).toBe(true);
    expect(final.size).toBe(ids.length);
    expect(output.logs.some((l) => l.level === 'WARN' && /FinPro's clock is 18\d s behind/.test(l.message))).toBe(true);
  });

  it("the connector's clock 3 minutes ahead and FinPro's untold when the sync is planned: the InvalidDateRange retry ends at FinPro's now, every row completes", async () => {
    const sandbox = await sandboxWith({ seed: 26, clockOffsetMs: -3 * 60_000 });
    const ids = activeIds(sandbox, 15);
    // A FinPro whose answers tell no time (no Date header, no body timestamp) until the batch is
    // scheduled: the plan can only use our clock, so every row fails InvalidDateRange, and only
    // the retry can correct the end.
    let scheduled = false;
    const proxy = await hostileServer(sandbox.url, (answer) => {
      if (scheduled) return { kind: 'pass' };
      if (answer.route.includes('schedule')) scheduled = true;
      if (typeof answer.json !== 'object' || answer.json === null) return { kind: 'pass', withoutDate: true };
      const { timestamp: _untold, ...body } = answer.json as Record<string, unknown>;
      return { kind: 'json', body, withoutDate: true };
    });
    onTestFinished(() => proxy.close());
    const config = { ...sandboxConfig(sandbox, { consentIds: ids, extra: { batch_size: 100 } }), base_url: proxy.url };
    const output = await runRead({ config, catalog: allCatalog() });
    expect(output.exitCode, output.stderr).toBe(0);
    const rows = output.recordsByStream.get('bulk_batch_rows')!;
    expect(new Set(rows.filter((r) => r['error_code'] === 'InvalidDateRange' && r['is_final'] !== true).map((r) => r['consent_id']))).toEqual(new Set(ids));
    const final = rows.filter((r) => r['is_final'] === true);
    expect(new Map(final.map((r) => [r['consent_id'], r['row_status']]))).toEqual(new Map(ids.map((id) => [id, 'COMPLETED'])));
    // Each consent asked twice: the retry with the same start and an end FinPro accepts.
    for (const id of ids) {
      const asked = sandbox.stats().fi_requests[id]!.requests;
      expect(asked, id).toHaveLength(2);
      expect(asked[1]!.fiDataRangeFrom).toBe(asked[0]!.fiDataRangeFrom);
      expect(Date.parse(asked[1]!.fiDataRangeTo!)).toBeLessThan(Date.parse(asked[0]!.fiDataRangeTo!) - 60_000);
    }
    // The state claims no more than FinPro was asked for: the next sync starts where the retries ended.
    const retriedTo = Math.min(...ids.map((id) => Date.parse(sandbox.stats().fi_requests[id]!.requests[1]!.fiDataRangeTo!)));
    const base = (output.states.at(-1) as unknown as { stream: { stream_state: { base: { watermark: string; exceptions: Record<string, string | null> } } } }).stream.stream_state.base;
    expect(Date.parse(base.watermark)).toBeLessThanOrEqual(retriedTo);
    for (const reaches of Object.values(base.exceptions)) expect(reaches === null || Date.parse(reaches) <= retriedTo).toBe(true);
    expect(output.recordsByStream.get('fi_transactions')?.length ?? 0).toBe(sandbox.stats().getallfidata.transactions);
  });

  it("the connector's clock 3 minutes ahead of a FinPro that sends no Date header: its answers' timestamp tells its clock, no row fails InvalidDateRange", async () => {
    const sandbox = await sandboxWith({ seed: 27, clockOffsetMs: -3 * 60_000 });
    const ids = activeIds(sandbox, 15);
    // A gateway in front of FinPro that drops the Date header; finpro-api.md's answers keep their timestamp.
    const proxy = await hostileServer(sandbox.url, () => ({ kind: 'pass', withoutDate: true }));
    onTestFinished(() => proxy.close());
    const config = { ...sandboxConfig(sandbox, { consentIds: ids, extra: { batch_size: 100 } }), base_url: proxy.url };
    const output = await runRead({ config, catalog: allCatalog() });
    expect(output.exitCode, output.stderr).toBe(0);
    const rows = output.recordsByStream.get('bulk_batch_rows')!;
    expect(rows.filter((r) => r['error_code'] === 'InvalidDateRange')).toEqual([]);
    expect(new Map(rows.filter((r) => r['is_final'] === true).map((r) => [r['consent_id'], r['row_status']]))).toEqual(new Map(ids.map((id) => [id, 'COMPLETED'])));
    expect(output.logs.some((l) => l.level === 'WARN' && /FinPro's clock is 18\d s behind/.test(l.message))).toBe(true);
  });

  it("the connector's clock a day behind in one sync, new consents added: every record FinPro served is emitted", async () => {
    const sandbox = await sandboxWith({ seed: 22 });
    const first = activeIds(sandbox, 12);
    const grown = activeIds(sandbox, 24);
    const one = await runRead({ config: sandboxConfig(sandbox, { consentIds: first }), catalog: allCatalog() });
    expect(one.exitCode, one.stderr).toBe(0);
    sandbox.resetStats();
    const two = await runRead(
      { config: sandboxConfig(sandbox, { consentIds: grown }), catalog: allCatalog(), state: StateBuilder.fromEmitted(one.states).build() },
      withConnectorSkew(-24 * HOUR),
    );
    expect(two.exitCode, two.stderr).toBe(0);
    const served = sandbox.stats().getallfidata;
    expect(served.transactions).toBeGreaterThan(0);
    expect(two.recordsByStream.get('fi_transactions')?.length ?? 0).toBe(served.transactions);
    expect(two.recordsByStream.get('fi_accounts')?.length ?? 0).toBe(served.accounts);
    const added = new Set(grown.slice(12));
    expect(new Set(two.recordsByStream.get('fi_accounts')!.map((r) => r['consent_id']).filter((id) => added.has(String(id)))).size).toBe(added.size);

    // Lost for good is what counts: once the clock is right again, the three syncs together hold
    // every transaction and account an uninterrupted read of the grown list delivers.
    const three = await runRead({ config: sandboxConfig(sandbox, { consentIds: grown }), catalog: allCatalog(), state: StateBuilder.fromEmitted([...one.states, ...two.states]).build() });
    expect(three.exitCode, three.stderr).toBe(0);
    // The reference is another connection, so it has its own prefix: with this one's, a read that
    // starts in the same FinPro instant as the third names its batch alike, and must refuse it.
    const reference = await runRead({ config: sandboxConfig(sandbox, { consentIds: grown, extra: { reference_id_prefix: 'reference' } }), catalog: allCatalog() });
    expect(reference.exitCode, reference.stderr).toBe(0);
    const got = deliveredData([one, two, three]);
    const want = deliveredData([reference]);
    expect(want.transactions.size).toBeGreaterThan(served.transactions);
    expect([...want.transactions].filter((key) => !got.transactions.has(key))).toEqual([]);
    expect([...want.accounts].filter((key) => !got.accounts.has(key))).toEqual([]);
  });

  it("FinPro's clock an hour ahead in one sync, then corrected: the next sync emits every row of its batches and harvests them", async () => {
    const ahead = await sandboxWith({ seed: 23, clockOffsetMs: HOUR });
    const ids = activeIds(ahead, 15);
    const one = await runRead({ config: sandboxConfig(ahead, { consentIds: ids }), catalog: allCatalog() });
    expect(one.exitCode, one.stderr).toBe(0);
    // Syncs are minutes apart: the next one runs a minute later, on clocks that agree again, both
    // moved on a minute rather than waited for. One that started within a second of the last
    // one's watermark could plan nothing: FinPro's now, read from a Date header of whole seconds,
    // is up to a second behind ours, and every consent would look up to date.
    const MINUTE = 60_000;
    const corrected = await sandboxWith({ seed: 23, clockOffsetMs: MINUTE });
    const two = await runRead(
      { config: sandboxConfig(corrected, { consentIds: ids }), catalog: allCatalog(), state: StateBuilder.fromEmitted(one.states).build() },
      withConnectorSkew(MINUTE),
    );
    expect(two.exitCode, two.stderr).toBe(0);
    const rows = two.recordsByStream.get('bulk_batch_rows') ?? [];
    const final = rows.filter((r) => r['is_final'] === true);
    expect(new Set(final.map((r) => r['consent_id']))).toEqual(new Set(ids));
    const completed = final.filter((r) => r['row_status'] === 'COMPLETED').length;
    expect(completed).toBe(ids.length);
    expect(corrected.stats().getallfidata.requests).toBeGreaterThanOrEqual(completed);
    expect(two.recordsByStream.get('bulk_batches')?.length ?? 0).toBeGreaterThan(0);
  });

  // X-RateLimit-Reset is a time on FinPro's clock: taken as ours, a reset a week away spread the
  // window's quota over a week, one request every few seconds, and the read stalled.
  it("FinPro's clock a week ahead: the read keeps the rate limit's pace and ends with every consent read", async () => {
    const sandbox = await sandboxWith({ seed: 24, clockOffsetMs: 7 * 24 * HOUR, rateLimit: { limit: 1_000, windowMs: 60_000 } });
    const ids = activeIds(sandbox, 15);
    const output = await runRead({ config: sandboxConfig(sandbox, { consentIds: ids }), catalog: allCatalog() });
    expect(output.exitCode, output.stderr).toBe(0);
    const final = (output.recordsByStream.get('bulk_batch_rows') ?? []).filter((r) => r['is_final'] === true);
    expect(final.filter((r) => r['row_status'] === 'COMPLETED').map((r) => r['consent_id']).sort()).toEqual([...ids].sort());
    expect(sandbox.stats().getallfidata.requests).toBeGreaterThanOrEqual(ids.length);
    expect(sandbox.stats().rate_limited).toBe(0);
  }, 90_000);
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
    if (running.child.exitCode !== null) {
      // Says why instead of failing later on "no backend to terminate".
      const early = await running.done;
      expect.fail(`the sync ended (exit ${early.code}) before its destination could be killed; stderr: ${early.stderr}`);
    }
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
