import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDestination } from './destination-factory.js';
import { parseDestinationTarget, type DestinationTarget } from './destination-url.js';
import { countExpiredSql, deleteExpiredSql, formatPurgeReport, purgeableTables } from './fi-data-purge.js';
import { purgeDestination } from './purge-command.js';
import { feed, loadStream, record, state, txn } from './test-support/load-fixtures.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from './test-support/postgres-test-db.js';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const PAST = '2026-03-10T11:59:59.000Z';
const FUTURE = '2026-03-10T12:00:01.000Z';

describe('purge SQL', () => {
  it('covers fi_* tables with a data_expires_at column only', () => {
    const columns = [
      { table_name: 'fi_data', column_name: 'data_expires_at' },
      { table_name: 'fi_holdings', column_name: 'data_expires_at' },
      { table_name: 'fi_transactions', column_name: 'data_expires_at' },
      { table_name: 'fi_transactions', column_name: 'txn_id' },
      { table_name: 'fi_old', column_name: 'fetched_at' },
      { table_name: 'bulk_batch_rows', column_name: 'data_expires_at' },
      { table_name: 'fi_transactions_monthly', column_name: 'data_expires_at' },
    ];
    expect(purgeableTables(new Set(['fi_data', 'fi_holdings', 'fi_transactions', 'fi_old', 'bulk_batch_rows']), columns)).toEqual(['fi_data', 'fi_holdings', 'fi_transactions']);
    expect(deleteExpiredSql('fi_data', '2026-03-10T12:00:00.000Z')).toBe(`DELETE FROM "fi_data" WHERE "data_expires_at" <= CAST('2026-03-10T12:00:00.000Z' AS TIMESTAMPTZ)`);
    expect(countExpiredSql('fi_data', 'x')).toMatch(/^SELECT COUNT\(\*\) AS n FROM "fi_data" WHERE/);
  });

  it('reports per table', () => {
    expect(formatPurgeReport({ cutoff: 'T', tables: [{ table: 'fi_data', deleted: 2 }, { table: 'fi_transactions', deleted: 1200 }] }, 'duckdb:x')).toBe(
      'purge duckdb:x: deleted 1,202 FI rows past their data life (expired at or before T): fi_data 2, fi_transactions 1,200.',
    );
    expect(formatPurgeReport({ cutoff: 'T', tables: [] }, 'duckdb:x')).toMatch(/no FI table with data_expires_at yet/);
  });
});

/** The same purge against a real DuckDB file and a real Postgres schema. */
function purgeCases(newTarget: () => DestinationTarget) {
  it('deletes FI rows past their data life in every fi_* table, keeps the rest and all bulk history', async () => {
    const target = newTarget();
    const destination = await openDestination(target);
    try {
      const account = (link: string, expires: string | null) => ({ session_id: 's-1', consent_id: 'c-1', link_reference_number: link, data: { x: 1 }, fetched_at: '2026-03-01T00:00:00Z', data_expires_at: expires });
      await feed(
        destination,
        [loadStream('fi_data'), loadStream('fi_transactions'), loadStream('bulk_batch_rows')],
        [
          record('fi_data', account('L-past', PAST)),
          record('fi_data', account('L-future', FUTURE)),
          record('fi_data', account('L-unknown', null)),
          record('fi_transactions', txn('t-past', '2026-03-01T00:00:00Z', { data_expires_at: '2026-03-10T17:29:59+05:30' })),
          record('fi_transactions', txn('t-at', '2026-03-01T00:00:00Z', { data_expires_at: '2026-03-10T12:00:00Z' })),
          record('fi_transactions', txn('t-future', '2026-03-01T00:00:00Z', { data_expires_at: FUTURE })),
          record('bulk_batch_rows', { batch_id: 'b1', reference_id: 'r1', consent_id: 'c-1', row_id: 7, is_final: true, retry_attempt: 0, row_status: 'COMPLETED', updated_at: '2025-06-01T00:00:00Z' }),
          state('fi_data', { cursor: 1 }, 3),
          state('fi_transactions', { cursor: 1 }, 3),
          state('bulk_batch_rows', { cursor: 1 }, 1),
        ],
      );
      await destination.execute(['CREATE TABLE fi_old (x INTEGER)', 'INSERT INTO fi_old VALUES (1)']);
    } finally {
      await destination.close();
    }

    const report = await purgeDestination(target, NOW);
    expect(report).toEqual({ cutoff: '2026-03-10T12:00:00.000Z', tables: [{ table: 'fi_data', deleted: 1 }, { table: 'fi_transactions', deleted: 2 }] });

    const after = await openDestination(target);
    try {
      expect((await after.query('SELECT link_reference_number FROM fi_data ORDER BY 1')).map((r) => r['link_reference_number'])).toEqual(['L-future', 'L-unknown']);
      expect((await after.query('SELECT txn_id FROM fi_transactions')).map((r) => r['txn_id'])).toEqual(['t-future']);
      expect(Number((await after.query('SELECT COUNT(*) AS n FROM bulk_batch_rows'))[0]!['n'])).toBe(1);
      expect(Number((await after.query('SELECT COUNT(*) AS n FROM fi_old'))[0]!['n'])).toBe(1);
      expect((await after.readStates()).map((s) => s.stream?.stream_descriptor.name).sort()).toEqual(['bulk_batch_rows', 'fi_data', 'fi_transactions']);
    } finally {
      await after.close();
    }
    // Nothing left to purge: a second run deletes nothing.
    expect((await purgeDestination(target, NOW)).tables.map((t) => t.deleted)).toEqual([0, 0]);
  });

  it('reports nothing to do on a destination without FI tables', async () => {
    expect(await purgeDestination(newTarget(), NOW)).toEqual({ cutoff: '2026-03-10T12:00:00.000Z', tables: [] });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'finpro-purge-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('purge a DuckDB file', () => {
  purgeCases(() => parseDestinationTarget(`duckdb:${join(dir, `purge-${++files}.duckdb`)}`));
});

const available = await postgresAvailable();
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.skipIf(!available)('purge Postgres', () => {
  purgeCases(() => {
    const schema = uniqueSchema('finpro_purge');
    schemas.push(schema);
    return parseDestinationTarget(`${PG_URL}?schema=${schema}`);
  });
});
