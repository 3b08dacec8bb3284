import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbDestination } from './duckdb-destination.js';
import { feed, loadStream, record, state, txn } from './test-support/load-fixtures.js';
import { loaderCases } from './test-support/loader-cases.js';
import { duckdbDialect } from './sql-dialect.js';

const dir = mkdtempSync(join(tmpdir(), 'finpro-duckdb-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loader into a DuckDB file', () => {
  loaderCases(async () => {
    const path = join(dir, `store-${++files}.duckdb`);
    return () => DuckDbDestination.open(path);
  });
});

describe('DuckDB amounts', () => {
  it('widens a DECIMAL(38,6) table written by an older load, keeping its amounts, before a seventh place arrives', async () => {
    const path = join(dir, 'narrow.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    const plan = loadStream('fi_transactions').plan;
    const columns = plan.columns.map((column) => `"${column.name}" ${column.kind === 'decimal' ? 'DECIMAL(38,6)' : duckdbDialect.columnType(column.kind)}`);
    await connection.run(`CREATE TABLE fi_transactions (_airbyte_raw_id UUID, _airbyte_extracted_at TIMESTAMPTZ, _airbyte_meta JSON, _airbyte_generation_id BIGINT, ${columns.join(', ')})`);
    await connection.run(`INSERT INTO fi_transactions (txn_id, session_id, amount) VALUES ('old', 's-1', 12.345678)`);
    connection.closeSync();
    instance.closeSync();

    const destination = await DuckDbDestination.open(path);
    try {
      await feed(destination, [loadStream('fi_transactions')], [record('fi_transactions', txn('new', '2025-06-01T00:00:00Z', { amount: '0.1234567' })), state('fi_transactions', {}, 1)]);
      const rows = await destination.query("SELECT txn_id, CAST(amount AS VARCHAR) AS amount, typeof(amount) AS type FROM fi_transactions ORDER BY txn_id");
      expect(rows).toEqual([
        { txn_id: 'new', amount: '0.1234567000', type: 'DECIMAL(38,10)' },
        { txn_id: 'old', amount: '12.3456780000', type: 'DECIMAL(38,10)' },
      ]);
    } finally {
      await destination.close();
    }
  });
});
