import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { fiTransactionsStream } from '../streams/fi-transactions-stream.js';
import { analysisViewSql } from './analysis-views.js';
import { duckdbDialect, postgresDialect, quoteIdent, quoteLiteral, type SqlDialect } from './sql-dialect.js';
import { finalColumns, tablePlanFor } from './table-mapping.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from './test-support/postgres-test-db.js';

/**
 * The views' SQL on both real databases, over a final fi_transactions table with the columns and
 * types the loader gives it. The loader is not involved: these tests are about what a view
 * reports from rows that are already there.
 */

type Run = (sql: string) => Promise<Record<string, unknown>[]>;
interface Database {
  run: Run;
  dialect: SqlDialect;
  close: () => Promise<void>;
}

const plan = tablePlanFor(fiTransactionsStream);

function transaction(txnId: string, type: string | null, amount: string, balance: string | null, at: string, fetchedAt = '2025-04-01T00:00:00Z'): Record<string, string | null> {
  return {
    session_id: 's-1',
    consent_id: 'c-1',
    link_reference_number: 'L-1',
    txn_id: txnId,
    type,
    amount,
    current_balance: balance,
    transaction_timestamp: at,
    fetched_at: fetchedAt,
  };
}

async function createTransactions(run: Run, dialect: SqlDialect, rows: readonly Record<string, string | null>[]): Promise<void> {
  const columns = finalColumns(plan);
  await run(`CREATE TABLE fi_transactions (${columns.map((c) => `${quoteIdent(c.name)} ${dialect.columnType(c.kind)}`).join(', ')})`);
  for (const row of rows) {
    const named = columns.filter((c) => row[c.name] !== undefined && row[c.name] !== null);
    const values = named.map((c) => dialect.castFromText(quoteLiteral(row[c.name]!), c.kind));
    await run(`INSERT INTO fi_transactions (${named.map((c) => quoteIdent(c.name)).join(', ')}) VALUES (${values.join(', ')})`);
  }
  for (const statement of analysisViewSql(new Set(['fi_transactions']))) await run(statement);
}

/** Decimals as the two databases print them differ only in trailing zeros. */
const exact = (value: unknown) => (value === null ? null : String(value).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));

function viewCases(open: () => Promise<Database>): void {
  it('fi_transactions_monthly sums CREDIT and DEBIT, counts what it sums, and counts the other types apart', async () => {
    const { run, dialect, close } = await open();
    try {
    await createTransactions(run, dialect, [
      transaction('t1', 'CREDIT', '100.25', '1100.25', '2025-03-04T05:06:07Z'),
      transaction('t2', 'DEBIT', '40.00', '1060.25', '2025-03-10T00:00:00Z'),
      // Investment and insurance transactions: no direction to sum.
      transaction('t3', 'BUY', '5000.00', null, '2025-03-11T00:00:00Z'),
      transaction('t4', 'PREMIUM', '1200.00', null, '2025-03-12T00:00:00Z'),
      transaction('t5', null, '1.00', null, '2025-03-13T00:00:00Z'),
      // Fetched again in a later session: counts once, with its latest fetch.
      transaction('t1', 'CREDIT', '100.25', '1100.25', '2025-03-04T05:06:07Z', '2025-05-01T00:00:00Z'),
      transaction('t6', 'SELL', '10.00', null, '2025-04-02T00:00:00Z'),
    ]);
    const rows = await run(
      'SELECT CAST(month AS VARCHAR) AS month, CAST(credits AS VARCHAR) AS credits, CAST(debits AS VARCHAR) AS debits, CAST(transaction_count AS VARCHAR) AS transaction_count, CAST(other_transaction_count AS VARCHAR) AS other_transaction_count FROM fi_transactions_monthly ORDER BY month',
    );
    expect(rows.map((row) => ({ ...row, credits: exact(row['credits']), debits: exact(row['debits']) }))).toEqual([
      { month: '2025-03-01', credits: '100.25', debits: '40', transaction_count: '2', other_transaction_count: '3' },
      { month: '2025-04-01', credits: '0', debits: '0', transaction_count: '0', other_transaction_count: '1' },
    ]);
    } finally {
      await close();
    }
  });
}

describe('analysis views in DuckDB', () => {
  viewCases(async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const run: Run = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const close = async () => {
      connection.closeSync();
      instance.closeSync();
    };
    return { run, dialect: duckdbDialect, close };
  });
});

const available = await postgresAvailable();
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.skipIf(!available)('analysis views in Postgres', () => {
  viewCases(async () => {
    const schema = uniqueSchema('finpro_views');
    schemas.push(schema);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    const run: Run = async (sql) => (await client.query(sql)).rows as Record<string, unknown>[];
    return { run, dialect: postgresDialect, close: () => client.end() };
  });
});
