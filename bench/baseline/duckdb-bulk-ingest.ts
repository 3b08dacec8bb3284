import { DuckDBInstance } from '@duckdb/node-api';
import { BULK_INGEST_REPORT_PREFIX, type BulkIngestReport, type BulkIngestRequest } from './bulk-ingest-report.js';

/**
 * The DuckDB load baseline: DuckDB's own bulk JSON ingest of the same records the connector
 * loads, one `CREATE TABLE ... AS SELECT * FROM read_json(...)` per stream (types inferred,
 * no dedup, no state), in one process from start to exit like the connector's `load`.
 */
const request = JSON.parse(process.argv[2] ?? '{}') as BulkIngestRequest;
const started = performance.now();
const instance = await DuckDBInstance.create(request.target);
const connection = await instance.connect();
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
for (const file of request.files) {
  await connection.run(`CREATE OR REPLACE TABLE ${quote(file.table)} AS SELECT * FROM read_json(${literal(file.path)}, format = 'newline_delimited')`);
}
const seconds = (performance.now() - started) / 1000;
const rows: Record<string, number> = {};
for (const file of request.files) {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${quote(file.table)}`);
  rows[file.table] = Number(reader.getRows()[0]?.[0] ?? 0);
}
connection.closeSync();
instance.closeSync();
const report: BulkIngestReport = { rows, seconds };
process.stderr.write(`${BULK_INGEST_REPORT_PREFIX}${JSON.stringify(report)}\n`);
