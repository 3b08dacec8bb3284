import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbDestination } from './duckdb-destination.js';
import { feed, loadStream, record, state, txn } from './test-support/load-fixtures.js';
import { loaderCases } from './test-support/loader-cases.js';
import { cellOf } from './record-typer.js';
import { duckdbDialect } from './sql-dialect.js';
import { memoryBudget } from './memory-budget.js';
import { ConfigError } from '../errors/connector-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'finpro-duckdb-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loader into a DuckDB file', () => {
  loaderCases(async () => {
    const path = join(dir, `store-${++files}.duckdb`);
    return () => DuckDbDestination.open(path);
  });
});

describe('DuckDB under the memory budget', () => {
  it('opens DuckDB with the budget\'s memory_limit and threads, spilling next to the file', async () => {
    const path = join(dir, `budget-${++files}.duckdb`);
    const budget = memoryBudget(300e6, 2);
    const destination = await DuckDbDestination.open(path, budget);
    try {
      const [settings] = await destination.query(
        "SELECT current_setting('memory_limit') AS memory_limit, current_setting('threads') AS threads, current_setting('temp_directory') AS temp_directory, current_setting('allocator_flush_threshold') AS flush",
      );
      expect(settings).toEqual({ memory_limit: `${Math.floor(budget.duckdbBytes / 2 ** 20)}.0 MiB`, threads: '1', temp_directory: `${path}.staging/spill`, flush: '16.0 MiB' });
    } finally {
      await destination.close();
    }
  });

  it('loads a record larger than read_json\'s default object size within a small budget', async () => {
    const destination = await DuckDbDestination.open(join(dir, `big-${++files}.duckdb`), memoryBudget(500e6, 2));
    try {
      const narration = 'x'.repeat(18 * 2 ** 20);
      await feed(destination, [loadStream('fi_transactions')], [record('fi_transactions', txn('big', '2025-06-01T00:00:00Z', { narration })), state('fi_transactions', {}, 1)]);
      const rows = await destination.query('SELECT txn_id, length(narration) AS n FROM fi_transactions');
      expect(rows).toEqual([{ txn_id: 'big', n: String(narration.length) }]);
    } finally {
      await destination.close();
    }
  });

  it('commits many large records at once within the smallest budget: the staging files are cut before a read_json chunk outgrows DuckDB\'s share', async () => {
    const destination = await DuckDbDestination.open(join(dir, `wide-${++files}.duckdb`), memoryBudget(256e6, 2));
    try {
      // 1,000 fi_data documents of ~25 KB: 25 MB in fewer than 2,048 lines, one read_json chunk had it been one file (out of memory with a 73 MiB pool).
      const document = (i: number) => ({ Account: { Transactions: Array.from({ length: 200 }, (_, t) => ({ txnId: `${i}-${t}`, amount: '1250.50', narration: 'UPI/PAYMENT/'.padEnd(80, 'x') })) } });
      const records = Array.from({ length: 1000 }, (_, i) =>
        record('fi_data', { session_id: `s-${i}`, consent_id: `c-${i}`, link_reference_number: `l-${i}`, fi_type: 'DEPOSIT', fip_id: 'fip', data: document(i), fetched_at: '2025-06-01T00:00:00Z' }),
      );
      await feed(destination, [loadStream('fi_data')], [...records, state('fi_data', {}, 1)]);
      const rows = await destination.query('SELECT count(*) AS n, count(DISTINCT session_id) AS sessions FROM fi_data');
      expect(rows).toEqual([{ n: '1000', sessions: '1000' }]);
    } finally {
      await destination.close();
    }
  });

  it('a record too large for DuckDB\'s share is a config error naming memory_limit, and commits nothing', async () => {
    const path = join(dir, `too-big-${++files}.duckdb`);
    const destination = await DuckDbDestination.open(path, memoryBudget(256e6, 2));
    try {
      const narration = 'x'.repeat(40 * 2 ** 20);
      const fed = feed(destination, [loadStream('fi_transactions')], [record('fi_transactions', txn('big', '2025-06-01T00:00:00Z', { narration })), state('fi_transactions', { upTo: 1 }, 1)]);
      await expect(fed).rejects.toThrow(ConfigError);
      await expect(fed).rejects.toThrow(/memory_limit 256 MB\): raise it, e\.g\. --to 'duckdb:PATH\?memory_limit=512MB'/);
      expect(await destination.readStates()).toEqual([]);
    } finally {
      await destination.close();
    }
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

describe('DuckDB typing of staged amounts (duckdb-ingest-sql.ts)', () => {
  it('agrees with the TypeScript typer on every decimal edge case, fast path or not', async () => {
    const amounts = [
      '212061.22', '-0.01', '0', '-0', '007.50', '12345678901234.56', '1234567890123456789012345678.5',
      '0000000000000000000000000000001.5', '1.50000000000000', '0.1234567', '0.1234567890', '0.12345678900',
      '0.12345678901', '123456789012345678901234567890', '1000000000000000000000000000000.5', '1e5', '12,50',
      ' 12.5 ', '12.', '.5', '-', '', 'abc', '1.2.3', '+1',
    ];
    const destination = await DuckDbDestination.open(join(dir, `amounts-${++files}.duckdb`));
    try {
      const records = amounts.map((amount, i) => record('fi_transactions', txn(`t${i}`, '2025-06-01T00:00:00Z', { amount })));
      await feed(destination, [loadStream('fi_transactions')], [...records, state('fi_transactions', {}, 1)]);
      const rows = await destination.query('SELECT txn_id, CAST(amount AS VARCHAR) AS amount, CAST(_airbyte_meta AS VARCHAR) AS meta FROM fi_transactions');
      for (const [i, amount] of amounts.entries()) {
        const row = rows.find((r) => r['txn_id'] === `t${i}`);
        const verdict = cellOf(amount, 'decimal', duckdbDialect.decimalLimits);
        const reason = verdict === 'DESTINATION_TYPECAST_ERROR' || verdict === 'DESTINATION_FIELD_SIZE_LIMITATION' ? verdict : undefined;
        expect({ amount, reason: JSON.parse(String(row?.['meta'])).changes[0]?.reason }).toEqual({ amount, reason });
        // Compared as exact decimal text: through a float, a 28-digit amount that rounded would pass.
        if (reason === undefined) expect({ amount, stored: exactDecimal(String(row?.['amount'])) }).toEqual({ amount, stored: exactDecimal(amount) });
        else expect({ amount, stored: row?.['amount'] }).toEqual({ amount, stored: null });
      }
    } finally {
      await destination.close();
    }
  });
});

/** A decimal's digits without padding (`007.50` -> `7.5`, `-0.0` -> `0`); other text as it is. */
function exactDecimal(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return text;
  const integer = match[2]!.replace(/^0+/, '') || '0';
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const digits = fraction === '' ? integer : `${integer}.${fraction}`;
  return match[1] === '-' && digits !== '0' ? `-${digits}` : digits;
}

describe('DuckDB direct writes (rows that repeat no key go straight into the final table)', () => {
  it('settles each key against the stored rows as the staged merge does, commit after commit, and leaves rows past the last STATE out', async () => {
    const path = join(dir, `direct-${++files}.duckdb`);
    const streams = [loadStream('fi_transactions')];
    const nullCursor = null as unknown as string;
    // Committing at every STATE: each commit takes the files its STATE covers while the next rows are staged.
    const loader = { minCommitIntervalMs: 0 };
    const first = await DuckDbDestination.open(path);
    try {
      await feed(first, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z', { narration: 'stored, older' })),
        record('fi_transactions', txn('t4', '2025-06-01T00:00:01Z', { narration: 'stored, has a cursor' })),
        state('fi_transactions', { n: 1 }, 2),
        record('fi_transactions', txn('t5', nullCursor, { narration: 'stored, null' })),
        record('fi_transactions', txn('t6', '2025-06-01T00:00:05Z', { narration: 'stored, newer' })),
        state('fi_transactions', { n: 2 }, 2),
      ], { loader });
    } finally {
      await first.close();
    }
    const second = await DuckDbDestination.open(path);
    try {
      await feed(second, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z', { narration: 'incoming, newer' })),
        record('fi_transactions', txn('t4', nullCursor, { narration: 'incoming, null' })),
        state('fi_transactions', { n: 3 }, 2),
        record('fi_transactions', txn('t5', nullCursor, { narration: 'incoming, null, later' })),
        record('fi_transactions', txn('t6', '2025-06-01T00:00:03Z', { narration: 'incoming, older' })),
        record('fi_transactions', txn('t7', '2025-06-01T00:00:03Z', { narration: 'new' })),
        state('fi_transactions', { n: 4 }, 3),
        record('fi_transactions', txn('t8', '2025-06-01T00:00:03Z', { narration: 'after the last STATE' })),
      ], { loader });
      expect(await second.query('SELECT txn_id, narration FROM fi_transactions ORDER BY txn_id')).toEqual([
        { txn_id: 't1', narration: 'incoming, newer' },
        { txn_id: 't4', narration: 'stored, has a cursor' },
        { txn_id: 't5', narration: 'incoming, null, later' },
        { txn_id: 't6', narration: 'stored, newer' },
        { txn_id: 't7', narration: 'new' },
      ]);
      expect(await second.query("SELECT count(*) AS n FROM _airbyte_stage_fi_transactions")).toEqual([{ n: '0' }]);
    } finally {
      await second.close();
    }
  });
  it('finds rows of one commit that repeat a key (JS tracks no key) and keeps the staged merge\'s winner: cursor, then staging order', async () => {
    const path = join(dir, `direct-${++files}.duckdb`);
    const streams = [loadStream('fi_transactions')];
    const destination = await DuckDbDestination.open(path);
    try {
      await feed(destination, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z', { narration: 'stored' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:09Z', { narration: 'stored, newest' })),
        state('fi_transactions', { n: 1 }, 2),
      ]);
      await feed(destination, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:03Z', { narration: 'incoming, first of two equal cursors' })),
        record('fi_transactions', txn('t1', '2025-06-01T00:00:03Z', { narration: 'incoming, later of two equal cursors' })),
        record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z', { narration: 'incoming, lower cursor, last' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:05Z', { narration: 'incoming, older than stored' })),
        record('fi_transactions', txn('t3', '2025-06-01T00:00:05Z', { narration: 'new' })),
        state('fi_transactions', { n: 2 }, 5),
      ]);
      expect(await destination.query('SELECT txn_id, narration FROM fi_transactions ORDER BY txn_id')).toEqual([
        { txn_id: 't1', narration: 'incoming, later of two equal cursors' },
        { txn_id: 't2', narration: 'stored, newest' },
        { txn_id: 't3', narration: 'new' },
      ]);
      expect(await destination.query('SELECT count(*) AS n FROM _airbyte_stage_fi_transactions')).toEqual([{ n: '0' }]);
    } finally {
      await destination.close();
    }
  });
});
