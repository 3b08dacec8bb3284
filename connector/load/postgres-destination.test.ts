import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDestinationTarget } from './destination-url.js';
import { stagingTable } from './load-sql.js';
import { plainInsertConflicts, PostgresDestination } from './postgres-destination.js';
import { stagingCells } from './record-typer.js';
import type { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import type { StreamMove } from './load-destination.js';
import { feed, holding, loadStream, record, state, txn } from './test-support/load-fixtures.js';
import { loaderCases } from './test-support/loader-cases.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from './test-support/postgres-test-db.js';

const available = await postgresAvailable();
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

function open(schema: string, extra = ''): Promise<PostgresDestination> {
  const target = parseDestinationTarget(`${PG_URL}?schema=${schema}${extra}`);
  if (target.kind !== 'postgres') throw new Error('expected a Postgres target');
  return PostgresDestination.open(target);
}

/** Runs `body` on a destination opened on a new schema (dropped after the file), and closes it. */
async function withNewSchema(prefix: string, body: (destination: PostgresDestination, schema: string) => Promise<void>): Promise<void> {
  const schema = uniqueSchema(prefix);
  schemas.push(schema);
  const destination = await open(schema);
  try {
    await body(destination, schema);
  } finally {
    await destination.close();
  }
}

describe.skipIf(!available)('loader into Postgres', () => {
  loaderCases(async () => {
    const schema = uniqueSchema('finpro_load');
    schemas.push(schema);
    return () => open(schema);
  });
});

describe.skipIf(!available)('Postgres staging (UNLOGGED tables, COPY on a second connection)', () => {
  it('rows a killed load left in staging never reach a final table: the next load drops them; a clean close drops the staging tables', async () => {
    const schema = uniqueSchema('finpro_stage');
    schemas.push(schema);
    const app = `stage_${schema}`.slice(0, 60);
    const stream = loadStream('fi_transactions');
    const first = await open(schema, `&application_name=${app}`);
    await feed(first, [stream], [record('fi_transactions', txn('t1', '2025-06-01T00:00:00Z')), state('fi_transactions', { n: 1 }, 1)]);
    // A row staged past the last checkpoint, stored by its COPY, as a kill would find it.
    const cells = stagingCells(stream.plan, txn('t2', '2025-06-01T00:00:00Z'), { emittedAt: Date.now(), syncId: 1, generationId: 0 }, first.dialect.decimalLimits);
    first.staging.stage(stream.plan, 1_000, cells);
    await first.staging.flushAll();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const staged = `SELECT count(*)::int AS n FROM "${schema}"."${stagingTable(stream.plan)}"`;
      expect((await admin.query(staged)).rows).toEqual([{ n: 1 }]);
      // The process "dies": the server ends both sessions; nothing of the loader runs after.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
      // Let both connections see their end (as idle pool clients) before the handles are let go.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await first.close().catch(() => undefined);

      const second = await open(schema);
      try {
        await feed(second, [stream], [record('fi_transactions', txn('t3', '2025-06-01T00:00:00Z')), state('fi_transactions', { n: 2 }, 1)]);
        expect(await second.query('SELECT txn_id FROM fi_transactions ORDER BY txn_id')).toEqual([{ txn_id: 't1' }, { txn_id: 't3' }]);
      } finally {
        await second.close();
      }
      const left = await admin.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE '\\_airbyte\\_stage\\_%'`, [schema]);
      expect(left.rows).toEqual([{ n: 0 }]);
    } finally {
      await admin.end();
    }
  });
});

describe.skipIf(!available)('Postgres shared with other sessions', () => {
  it('opens while another session creates and drops schemas and tables in the same database', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    let churning = true;
    // Another tenant of the database (or another sync's test): schemas with tables come and go.
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const other = `${uniqueSchema('finpro_churn')}_${i}`;
        await admin.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".t (id serial, a text, b text, c jsonb)`);
        await admin.query(`DROP SCHEMA "${other}" CASCADE`);
      }
    })();
    try {
      for (let i = 0; i < 15; i++) {
        const schema = uniqueSchema('finpro_shared');
        schemas.push(schema);
        const destination = await open(schema);
        await destination.close();
      }
    } finally {
      churning = false;
      await churn;
      await admin.end();
    }
  });
});

describe.skipIf(!available)('Postgres plain inserts into a table empty at the start', () => {
  it('a key repeated in a later commit of the same load still goes through the upsert: the higher cursor wins', async () => {
    const streams = [loadStream('fi_holdings'), loadStream('fi_transactions')];
    await withNewSchema('finpro_fresh', async (destination) => {
      // minCommitIntervalMs 0: each STATE is committed at the next record, so three commits. The
      // second one's fi_transactions meet stored keys after its fi_holdings went in: the whole
      // transaction runs again, and the holding is stored once.
      await feed(destination, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z', { narration: 'first, higher' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:02Z', { narration: 'first, lower' })),
        state('fi_transactions', { n: 1 }, 2),
        record('fi_holdings', holding('s-1', 'L-1', 'h1', '2025-06-01T00:00:01Z')),
        record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z', { narration: 'second, older' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:03Z', { narration: 'second, newer' })),
        state('fi_holdings', { n: 1 }, 1),
        state('fi_transactions', { n: 2 }, 2),
        record('fi_transactions', txn('t3', '2025-06-01T00:00:01Z', { narration: 'third, new key' })),
        state('fi_transactions', { n: 3 }, 1),
      ]);
      expect(await destination.query('SELECT txn_id, narration FROM fi_transactions ORDER BY txn_id')).toEqual([
        { txn_id: 't1', narration: 'first, higher' },
        { txn_id: 't2', narration: 'second, newer' },
        { txn_id: 't3', narration: 'third, new key' },
      ]);
      expect(await destination.query('SELECT holding_id FROM fi_holdings')).toEqual([{ holding_id: 'h1' }]);
      expect((await destination.readStates()).map((saved) => [saved.stream?.stream_descriptor.name, saved.stream?.stream_state])).toEqual(
        expect.arrayContaining([
          ['fi_holdings', { n: 1 }],
          ['fi_transactions', { n: 3 }],
        ]),
      );
    });
  });
});

describe.skipIf(!available)('Postgres JSON documents', () => {
  it('are compressed with lz4 where the server has it, in staging and so in the final table, and read back whole', async () => {
    await withNewSchema('finpro_lz4', async (destination) => {
      const [support] = await destination.query("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'");
      // A document large enough for TOAST to compress (over ~2 KB), as fi_data's accounts are.
      const data = { Transactions: Array.from({ length: 60 }, (_, i) => ({ txnId: `t${i}`, narration: `payment number ${i} to a merchant`, amount: `${i}.25` })) };
      const fiData = { session_id: 's-1', consent_id: 'c-1', link_reference_number: 'L-1', data, fetched_at: '2025-06-01T00:00:00Z' };
      await feed(destination, [loadStream('fi_data')], [record('fi_data', fiData), state('fi_data', { n: 1 }, 1)]);
      expect(await destination.query('SELECT pg_column_compression(data) AS compression, data FROM fi_data')).toEqual([{ compression: support?.['lz4'] === true ? 'lz4' : 'pglz', data }]);
    });
  });
});

describe.skipIf(!available)('Postgres staging after a commit', () => {
  it('is truncated when the commit moved every row in it, and keeps the rows past the commit otherwise', async () => {
    const stream = loadStream('fi_transactions');
    await withNewSchema('finpro_truncate', async (destination, schema) => {
      await destination.prepare([stream]);
      const stage = stagingTable(stream.plan);
      const stageRow = (seq: number, id: string) => destination.staging.stage(stream.plan, seq, stagingCells(stream.plan, txn(id, '2025-06-01T00:00:00Z'), { emittedAt: 0, syncId: 1, generationId: 0 }, destination.dialect.decimalLimits));
      const file = async () => (await destination.query(`SELECT relfilenode FROM pg_class WHERE oid = '${schema}.${stage}'::regclass`))[0]?.['relfilenode'];
      const move = (upToSeq: number): StreamMove => ({ plan: stream.plan, mode: 'append_dedup', upToSeq, repeatsKey: false, rawLines: false });
      const stateOf = (n: number) => (state('fi_transactions', { n }, 1) as { state: AirbyteStateMessage }).state;
      for (const [seq, id] of [[1, 't1'], [2, 't2'], [3, 't3']] as const) void stageRow(seq, id);
      const before = await file();
      // Row 3 was staged (and copied) before the commit of rows 1-2: it stays, in the same file.
      await destination.commit([move(2)], [stateOf(1)]);
      expect(await destination.query(`SELECT _airbyte_seq FROM ${stage}`)).toEqual([{ _airbyte_seq: '3' }]);
      expect(await file()).toBe(before);
      await destination.commit([move(3)], [stateOf(2)]);
      expect(await destination.query(`SELECT count(*)::int AS n FROM ${stage}`)).toEqual([{ n: 0 }]);
      expect(await file()).not.toBe(before);
      expect(await destination.query('SELECT txn_id FROM fi_transactions ORDER BY txn_id')).toEqual([{ txn_id: 't1' }, { txn_id: 't2' }, { txn_id: 't3' }]);
    });
  });
});

describe('which tables a failed plain insert sends to the upsert', () => {
  const moveOf = (name: 'fi_transactions' | 'fi_holdings' | 'bulk_batch_rows'): StreamMove => ({ plan: loadStream(name).plan, mode: 'append_dedup', upToSeq: 1, repeatsKey: false, rawLines: false });
  const moves = [moveOf('fi_transactions'), moveOf('fi_holdings'), moveOf('bulk_batch_rows')];
  const plain = new Set(['fi_transactions', 'fi_holdings']);

  it('the table the server names in unique_violation, if the commit inserted it plainly', () => {
    expect(plainInsertConflicts({ code: '23505', table: 'fi_holdings' }, moves, plain)).toEqual(['fi_holdings']);
    expect(plainInsertConflicts({ code: '23505', table: 'bulk_batch_rows' }, moves, plain)).toEqual([]);
  });

  it('every table the commit inserted plainly when the server names none', () => {
    expect(plainInsertConflicts({ code: '23505' }, moves, plain)).toEqual(['fi_transactions', 'fi_holdings']);
    expect(plainInsertConflicts({ code: '23505', table: '' }, [moveOf('bulk_batch_rows')], plain)).toEqual([]);
  });

  it('none for any other error', () => {
    expect(plainInsertConflicts({ code: '23503', table: 'fi_holdings' }, moves, plain)).toEqual([]);
    expect(plainInsertConflicts(new Error('connection reset'), moves, plain)).toEqual([]);
  });
});
