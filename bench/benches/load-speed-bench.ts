import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import type { BenchContext, Benchmark } from '../harness/bench-context.js';
import type { Figure } from '../harness/bench-types.js';
import { FAST_SANDBOX, dataRange } from '../harness/bench-settings.js';
import { assertClean, runChild } from '../harness/child-run.js';
import { writeFixture } from '../harness/connector-fixture.js';
import { splitRecordsByStream } from '../harness/record-splitter.js';
import { pairedRatios } from '../harness/sample-stats.js';
import { startSandboxProcess } from '../harness/sandbox-process.js';
import { parseReportLine } from '../baseline/baseline-report.js';
import { BULK_INGEST_REPORT_PREFIX, type BulkIngestReport, type BulkIngestRequest } from '../baseline/bulk-ingest-report.js';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTOR_SCHEMA = 'bench_load_connector';
const COPY_SCHEMA = 'bench_load_copy';
const LOAD_RANGE_DAYS = 365;

/**
 * 5. Load speed: `source-finpro load` (stdin: a captured `read`) into DuckDB and into
 * Postgres, against each database's own bulk ingest of the same records, run by run. Both
 * clocks run from process spawn to exit; records/s counts the RECORD messages in the input.
 */
export const loadSpeedBench: Benchmark = {
  id: 'load',
  title: 'Load speed (records/s into DuckDB and Postgres vs bulk ingest)',
  async run(ctx) {
    const quick = ctx.options.quick;
    const consents = quick ? 500 : 5000;
    const runs = ctx.runs(3);
    const input = await captureRead(ctx, consents);
    const totalRecords = Object.values(input.records).reduce((sum, n) => sum + n, 0);
    const figures: Figure[] = [];
    const method: string[] = [
      `Input: one captured \`read\` of ${consents.toLocaleString('en-US')} consents, ${LOAD_RANGE_DAYS} days, every stream: ${totalRecords.toLocaleString('en-US')} records (${Object.entries(input.records)
        .map(([stream, n]) => `${stream} ${n.toLocaleString('en-US')}`)
        .join(', ')}), ${(statSync(input.path).size / 2 ** 20).toFixed(0)} MiB of Airbyte JSON lines.`,
      'Connector: `node dist/connector/main.js load --to <destination>` with that file on stdin and no catalog (the default: every stream incremental + append_dedup, typed tables, state committed with its records). Fresh database file / schema per run.',
      'Baselines (bench/baseline/): DuckDB `CREATE TABLE AS SELECT * FROM read_json(...)` per stream (types inferred); Postgres `COPY ... FROM` the server-side file into one jsonb column per stream. Both are floors: no typing into declared columns (Postgres), no dedup, no state. Their input files hold each record\'s data, split from the same capture (untimed).',
      `Both clocks: spawn to exit of one process. ${runs} pairs per database, connector then baseline.`,
    ];

    // DuckDB
    {
      const connector: number[] = [];
      const floor: number[] = [];
      for (let run = 0; run < runs; run++) {
        const dbPath = join(ctx.workDir, `connector-${run}.duckdb`);
        const wall = await runLoad(ctx, input.path, `duckdb:${dbPath}`);
        await assertRows(`connector DuckDB load, run ${run + 1}`, await duckdbCounts(dbPath, Object.keys(input.records)), input.records);
        connector.push(totalRecords / wall);
        const floorPath = join(ctx.workDir, `floor-${run}.duckdb`);
        const floorWall = await runBulkIngest(ctx, 'duckdb-bulk-ingest.js', { target: floorPath, files: input.files }, input.records);
        floor.push(totalRecords / floorWall);
        ctx.log(`duckdb run ${run + 1}/${runs}: connector ${wall.toFixed(1)} s, read_json ${floorWall.toFixed(1)} s`);
      }
      figures.push(loadFigure('DuckDB', connector, floor, 'read_json'));
    }

    // Postgres
    const pgUrl = process.env['BENCH_PG_URL'] ?? DEFAULT_PG_URL;
    const reachable = await postgresReachable(pgUrl);
    if (reachable !== true) {
      figures.push({ bench: 'load', name: 'Postgres records/s', notMeasured: `Postgres at ${pgUrl.replace(/:[^:@/]*@/, ':***@')} unreachable: ${reachable}`, target: loadTarget('COPY') });
    } else {
      const connector: number[] = [];
      const floor: number[] = [];
      for (let run = 0; run < runs; run++) {
        await dropSchema(pgUrl, CONNECTOR_SCHEMA);
        const wall = await runLoad(ctx, input.path, withSchema(pgUrl, CONNECTOR_SCHEMA));
        await assertRows(`connector Postgres load, run ${run + 1}`, await postgresCounts(pgUrl, CONNECTOR_SCHEMA, Object.keys(input.records)), input.records);
        connector.push(totalRecords / wall);
        const floorWall = await runBulkIngest(ctx, 'postgres-copy-ingest.js', { target: pgUrl, schema: COPY_SCHEMA, files: input.files }, input.records);
        floor.push(totalRecords / floorWall);
        ctx.log(`postgres run ${run + 1}/${runs}: connector ${wall.toFixed(1)} s, COPY ${floorWall.toFixed(1)} s`);
      }
      await dropSchema(pgUrl, CONNECTOR_SCHEMA);
      await dropSchema(pgUrl, COPY_SCHEMA);
      figures.push(loadFigure('Postgres', connector, floor, 'COPY'));
    }
    return { method, figures };
  },
};

function loadTarget(baseline: string) {
  return { metric: 'ratio' as const, op: '>=' as const, threshold: 0.5, text: `>= 0.5 x ${baseline}` };
}

function loadFigure(database: string, connector: number[], floor: number[], baseline: string): Figure {
  return {
    bench: 'load',
    name: `${database} records/s`,
    value: { samples: connector, unit: 'records/s' },
    reference: { name: baseline, value: { samples: floor, unit: 'records/s' } },
    ratio: { samples: pairedRatios(connector, floor), unit: 'x' },
    target: loadTarget(baseline),
  };
}

interface CapturedRead {
  path: string;
  records: Record<string, number>;
  files: { table: string; path: string }[];
}

/** One `read` to a file (untimed), and the same records split per stream for the baselines. */
async function captureRead(ctx: BenchContext, consents: number): Promise<CapturedRead> {
  const consentIdsFile = join(ctx.workDir, 'consents.txt');
  const sandbox = await startSandboxProcess({ root: ctx.codeRoot, options: { ...FAST_SANDBOX, consents }, consentIdsFile });
  const path = join(ctx.workDir, 'read.jsonl');
  try {
    const range = dataRange(LOAD_RANGE_DAYS);
    const fixture = await writeFixture({
      dir: ctx.workDir,
      baseUrl: sandbox.url,
      credentials: sandbox.credentials,
      consentIdsFile,
      config: { fi_data_range_from: range.from, fi_data_range_to: range.to },
    });
    const result = await runChild({
      command: process.execPath,
      args: [join(ctx.codeRoot, 'dist', 'connector', 'main.js'), 'read', '--config', fixture.configPath, '--catalog', fixture.catalogPath],
      stdout: { file: path },
      timeoutMs: 20 * 60_000,
    });
    assertClean('read (load input)', result);
  } finally {
    await sandbox.close();
  }
  const split = await splitRecordsByStream(path, ctx.workDir);
  ctx.log(`captured ${Object.values(split.records).reduce((a, b) => a + b, 0)} records`);
  return { path, ...split };
}

async function runLoad(ctx: BenchContext, input: string, to: string): Promise<number> {
  const result = await runChild({
    command: process.execPath,
    args: [join(ctx.codeRoot, 'dist', 'connector', 'main.js'), 'load', '--to', to],
    stdout: 'ignore',
    stdinFile: input,
    timeoutMs: 30 * 60_000,
  });
  assertClean(`load --to ${to.replace(/:[^:@/]*@/, ':***@')}`, result);
  return result.wallSeconds;
}

async function runBulkIngest(ctx: BenchContext, script: string, request: BulkIngestRequest, expected: Record<string, number>): Promise<number> {
  const result = await runChild({
    command: process.execPath,
    args: [join(ctx.codeRoot, 'dist', 'bench', 'baseline', script), JSON.stringify(request)],
    stdout: 'ignore',
    timeoutMs: 30 * 60_000,
  });
  assertClean(script, result);
  const report = parseReportLine<BulkIngestReport>(result.stderrTail, BULK_INGEST_REPORT_PREFIX);
  await assertRows(script, report.rows, expected);
  return result.wallSeconds;
}

/**
 * Every record must have landed. The connector dedups on the primary key, so its tables may
 * hold fewer rows than records only when the input repeats a key; anything else is a loss.
 */
async function assertRows(what: string, rows: Record<string, number>, expected: Record<string, number>): Promise<void> {
  for (const [stream, n] of Object.entries(expected)) {
    const got = rows[stream] ?? 0;
    if (got === 0 || got > n) throw new Error(`${what}: ${stream} holds ${got} rows for ${n} records`);
  }
}

async function duckdbCounts(path: string, tables: string[]): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const rows: Record<string, number> = {};
  try {
    for (const table of tables) {
      const reader = await connection.runAndReadAll(`SELECT count(*) FROM "${table}"`);
      rows[table] = Number(reader.getRows()[0]?.[0] ?? 0);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return rows;
}

async function withPostgres<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

export async function postgresReachable(url: string): Promise<true | string> {
  try {
    await withPostgres(url, (client) => client.query('SELECT 1'));
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withPostgres(url, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

async function postgresCounts(url: string, schema: string, tables: string[]): Promise<Record<string, number>> {
  return withPostgres(url, async (client) => {
    const rows: Record<string, number> = {};
    for (const table of tables) {
      const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`);
      rows[table] = Number(result.rows[0]?.n ?? 0);
    }
    return rows;
  });
}

export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}
