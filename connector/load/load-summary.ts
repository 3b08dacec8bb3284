import type { LoaderStats } from './airbyte-loader.js';
import { TABLES_SQL } from './analysis-views.js';
import type { LoadDestination } from './load-destination.js';
import { quoteIdent } from './sql-dialect.js';
import { formatTextTable } from './text-table.js';

/** What a `sync`/`load` prints at the end: tables and row counts, failed consents by reason, a sample. */
export interface LoadSummary {
  destination: string;
  tables: { table: string; mode: string; loaded: number; rows: number }[];
  failedConsents: { reason: string; consents: number }[];
  /** Accounts, transactions and holdings in the tables, by fi_type. */
  byFiType: { fi_type: string; accounts: number; transactions: number; holdings: number }[];
  sample: Record<string, unknown>[] | undefined;
  sourceErrors: string[];
  seconds: number;
}

export async function collectSummary(destination: LoadDestination, stats: LoaderStats, seconds: number, withSample: boolean): Promise<LoadSummary> {
  const existing = new Set((await destination.query(TABLES_SQL)).map((row) => String(row['table_name'])));
  const tables: LoadSummary['tables'] = [];
  for (const stream of stats.streams) {
    const rows = existing.has(stream.table) ? await destination.query(`SELECT COUNT(*) AS n FROM ${quoteIdent(stream.table)}`) : [];
    tables.push({ table: stream.table, mode: stream.mode, loaded: stream.committed, rows: Number(rows[0]?.['n'] ?? 0) });
  }
  const failedConsents = existing.has('bulk_batch_rows')
    ? (
        await destination.query(
          "SELECT COALESCE(error_code, 'unknown') AS reason, COUNT(*) AS consents FROM consent_status WHERE row_status = 'FAILED' GROUP BY 1 ORDER BY 2 DESC, 1",
        )
      ).map((row) => ({ reason: String(row['reason']), consents: Number(row['consents']) }))
    : [];
  const byFiType = await countByFiType(destination, existing);
  const sample =
    withSample && existing.has('fi_transactions')
      ? await destination.query(
          'SELECT consent_id, link_reference_number, month, credits, debits, transaction_count, closing_balance FROM fi_transactions_monthly ORDER BY month DESC, transaction_count DESC, consent_id, link_reference_number LIMIT 5',
        )
      : undefined;
  return { destination: destination.description, tables, failedConsents, byFiType, sample, sourceErrors: stats.sourceErrors, seconds };
}

const FI_TABLES = [
  ['accounts', 'fi_accounts'],
  ['transactions', 'fi_transactions'],
  ['holdings', 'fi_holdings'],
] as const;

async function countByFiType(destination: LoadDestination, existing: ReadonlySet<string>): Promise<LoadSummary['byFiType']> {
  const rows = new Map<string, LoadSummary['byFiType'][number]>();
  for (const [what, table] of FI_TABLES) {
    if (!existing.has(table)) continue;
    for (const row of await destination.query(`SELECT COALESCE(fi_type, '(none)') AS fi_type, COUNT(*) AS n FROM ${table} GROUP BY 1`)) {
      const fiType = String(row['fi_type']);
      let entry = rows.get(fiType);
      if (entry === undefined) rows.set(fiType, (entry = { fi_type: fiType, accounts: 0, transactions: 0, holdings: 0 }));
      entry[what] = Number(row['n']);
    }
  }
  return [...rows.values()].sort((a, b) => b.accounts - a.accounts || a.fi_type.localeCompare(b.fi_type));
}

/**
 * A stored DECIMAL(38,10) prints as `7139.9600000000`; on screen the trailing zeros (and a bare
 * point) go. Text only, so the value stays exact; what is stored keeps its declared scale.
 */
export function displayDecimal(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?\d+\.\d+$/.test(value)) return value;
  return value.replace(/\.?0+$/, '');
}

export function formatSummary(summary: LoadSummary): string {
  const parts = [
    `Loaded into ${summary.destination} in ${summary.seconds.toFixed(1)} s`,
    '',
    formatTextTable(
      ['table', 'mode', 'loaded now', 'rows in table'],
      summary.tables.map((table) => [table.table, table.mode, table.loaded, table.rows]),
    ),
  ];
  if (summary.byFiType.length > 0) {
    parts.push(
      '',
      'FI data in the tables by fi_type:',
      formatTextTable(['fi_type', 'accounts', 'transactions', 'holdings'], summary.byFiType.map((row) => [row.fi_type, row.accounts, row.transactions, row.holdings])),
    );
  }
  if (summary.failedConsents.length > 0) {
    parts.push('', 'Failed consents by reason (latest row per consent):', formatTextTable(['reason', 'consents'], summary.failedConsents.map((row) => [row.reason, row.consents])));
  }
  if (summary.sample !== undefined && summary.sample.length > 0) {
    const headers = Object.keys(summary.sample[0]!);
    parts.push(
      '',
      'Sample: SELECT * FROM fi_transactions_monthly ORDER BY month DESC, transaction_count DESC LIMIT 5',
      formatTextTable(headers, summary.sample.map((row) => headers.map((header) => displayDecimal(row[header])))),
    );
  }
  if (summary.sourceErrors.length > 0) parts.push('', `The source reported ${summary.sourceErrors.length} error(s): ${summary.sourceErrors.join(' | ')}`);
  return parts.join('\n') + '\n';
}
