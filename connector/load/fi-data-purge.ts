import { EXISTING_COLUMNS_SQL } from './load-sql.js';
import type { LoadDestination } from './load-destination.js';
import { quoteIdent, quoteLiteral } from './sql-dialect.js';
import { TABLES_SQL } from './analysis-views.js';

/**
 * Deletes FI rows past their data life: in every table of a stream named `fi_*` that has a
 * `data_expires_at` column, the rows whose `data_expires_at` is at or before the cutoff, all
 * tables in ONE transaction (a purge either happens or not). `bulk_batches` and
 * `bulk_batch_rows` are not FI data and keep the history of what was fetched when; rows with
 * no data_expires_at (no data life known) are kept. A table of an older version, without the
 * column, is left alone until a load adds it.
 */
export const EXPIRY_COLUMN = 'data_expires_at';

export interface PurgeReport {
  /** ISO UTC: rows expiring at or before it were deleted. */
  cutoff: string;
  /** Every FI table with a data life column, with the rows deleted from it (0 included). */
  tables: Array<{ table: string; deleted: number }>;
}

/** The tables a purge covers, from (table_name, column_name) rows of the schema, sorted. */
export function purgeableTables(baseTables: ReadonlySet<string>, columns: ReadonlyArray<{ table_name: unknown; column_name: unknown }>): string[] {
  const tables = columns
    .filter((c) => c.column_name === EXPIRY_COLUMN && typeof c.table_name === 'string' && c.table_name.startsWith('fi_') && baseTables.has(c.table_name))
    .map((c) => c.table_name as string);
  return [...new Set(tables)].sort();
}

const expired = (cutoff: string) => `${quoteIdent(EXPIRY_COLUMN)} <= CAST(${quoteLiteral(cutoff)} AS TIMESTAMPTZ)`;

export function countExpiredSql(table: string, cutoff: string): string {
  return `SELECT COUNT(*) AS n FROM ${quoteIdent(table)} WHERE ${expired(cutoff)}`;
}

export function deleteExpiredSql(table: string, cutoff: string): string {
  return `DELETE FROM ${quoteIdent(table)} WHERE ${expired(cutoff)}`;
}

/**
 * Runs the purge at `nowMs`. The counts are taken at the same fixed cutoff just before the
 * delete; only a row committed in between by another process with an expiry already past
 * (a data life of 0) could be deleted without being counted.
 */
export async function purgeExpiredFiData(destination: LoadDestination, nowMs: number): Promise<PurgeReport> {
  const cutoff = new Date(nowMs).toISOString();
  const baseTables = new Set((await destination.query(TABLES_SQL)).map((row) => String(row['table_name'])));
  const tables = purgeableTables(baseTables, (await destination.query(EXISTING_COLUMNS_SQL)) as Array<{ table_name: unknown; column_name: unknown }>);
  const report: PurgeReport = { cutoff, tables: [] };
  for (const table of tables) report.tables.push({ table, deleted: Number((await destination.query(countExpiredSql(table, cutoff)))[0]?.['n'] ?? 0) });
  const toDelete = report.tables.filter((t) => t.deleted > 0).map((t) => deleteExpiredSql(t.table, cutoff));
  if (toDelete.length > 0) await destination.transact(toDelete);
  return report;
}

export function formatPurgeReport(report: PurgeReport, target: string): string {
  const total = report.tables.reduce((sum, t) => sum + t.deleted, 0);
  if (report.tables.length === 0) return `purge ${target}: no FI table with ${EXPIRY_COLUMN} yet; nothing to delete.`;
  const per = report.tables.map((t) => `${t.table} ${t.deleted.toLocaleString('en-US')}`).join(', ');
  return `purge ${target}: deleted ${total.toLocaleString('en-US')} FI rows past their data life (expired at or before ${report.cutoff}): ${per}.`;
}
