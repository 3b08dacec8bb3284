import pg from 'pg';
import { BULK_INGEST_REPORT_PREFIX, type BulkIngestReport, type BulkIngestRequest } from './bulk-ingest-report.js';

/**
 * The Postgres load baseline: `COPY ... FROM` of the same records the connector loads, one
 * jsonb row per record and one table per stream, read by the server from the file (the
 * bench and the server share the machine). CSV format with quote and delimiter set to control
 * characters that JSON text never contains raw, so each line arrives whole and unescaped.
 * No typing into columns, no dedup, no state: the floor of a Postgres load.
 */
const request = JSON.parse(process.argv[2] ?? '{}') as BulkIngestRequest;
const schema = request.schema ?? 'bench_copy';
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const started = performance.now();
const client = new pg.Client({ connectionString: request.target });
await client.connect();
await client.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
await client.query(`CREATE SCHEMA ${quote(schema)}`);
for (const file of request.files) {
  const table = `${quote(schema)}.${quote(file.table)}`;
  await client.query(`CREATE TABLE ${table} (data jsonb NOT NULL)`);
  await client.query(`COPY ${table} (data) FROM ${literal(file.path)} WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`);
}
const seconds = (performance.now() - started) / 1000;
const rows: Record<string, number> = {};
for (const file of request.files) {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(schema)}.${quote(file.table)}`);
  rows[file.table] = Number(result.rows[0]?.n ?? 0);
}
await client.end();
const report: BulkIngestReport = { rows, seconds };
process.stderr.write(`${BULK_INGEST_REPORT_PREFIX}${JSON.stringify(report)}\n`);
