/** What the bench sends a bulk-ingest baseline (argv JSON) and reads back (last stderr line). */
export interface BulkIngestRequest {
  /** DuckDB file path, or Postgres connection string. */
  target: string;
  /** Postgres only: the schema to (re)create. */
  schema?: string;
  /** One newline-delimited JSON file of record data per table. */
  files: { table: string; path: string }[];
}

export interface BulkIngestReport {
  /** Rows in each table after the ingest, read back from the database. */
  rows: Record<string, number>;
  seconds: number;
}

export const BULK_INGEST_REPORT_PREFIX = 'BULK_INGEST_REPORT ';
