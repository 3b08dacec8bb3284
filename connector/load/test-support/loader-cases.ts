import { expect, it } from 'vitest';
import type { AirbyteMessage, AirbyteStateMessage } from '../../protocol/airbyte-message.js';
import { Readable } from 'node:stream';
import { AirbyteLoader } from '../airbyte-loader.js';
import { rawRecordJson, readMessages } from '../jsonl-message-reader.js';
import type { LoadDestination } from '../load-destination.js';
import { quoteIdent } from '../sql-dialect.js';
import type { TablePlan } from '../table-mapping.js';
import { analysisViewSql } from '../analysis-views.js';
import { complete, feed, holding, loadStream, normalizeRow, record, state, txn } from './load-fixtures.js';

/**
 * The loader's contract, run against each real database (DuckDB file, Postgres schema).
 * `fresh()` gives an opener of a new, empty store; the opener may be called again to
 * "restart the process" on the same store.
 */
export type FreshStore = () => Promise<() => Promise<LoadDestination>>;

async function rows(destination: LoadDestination, sql: string): Promise<Record<string, unknown>[]> {
  return (await destination.query(sql)).map(normalizeRow);
}

async function withDestination<T>(open: () => Promise<LoadDestination>, body: (destination: LoadDestination) => Promise<T>): Promise<T> {
  const destination = await open();
  try {
    return await body(destination);
  } finally {
    await destination.close();
  }
}

/**
 * A destination whose commits fail after moving every row: each carries one more state, of a
 * stream it also saves, that cannot be written (a BigInt has no JSON). The transaction must roll
 * back whole, rows and the states written before it included.
 */
function failingCommit(inner: LoadDestination): LoadDestination {
  const unwritable = (state('fi_transactions', { n: 1n }) as Extract<AirbyteMessage, { type: 'STATE' }>).state;
  return {
    dialect: inner.dialect,
    description: inner.description,
    prepare: (tables) => inner.prepare(tables),
    upserts: (table) => inner.upserts(table),
    readStates: () => inner.readStates(),
    staging: inner.staging,
    commit: (moves, states) => inner.commit(moves, [...states, unwritable]),
    execute: (statements) => inner.execute(statements),
    transact: (statements) => inner.transact(statements),
    query: (sql) => inner.query(sql),
    close: () => inner.close(),
  };
}

const streamStateOf = (states: AirbyteStateMessage[], name: string) => states.find((s) => s.stream?.stream_descriptor.name === name)?.stream?.stream_state;

export function loaderCases(fresh: FreshStore): void {
  it('barrier() makes every state received so far durable; without it the last one may still be pending', async () => {
    const open = await fresh();
    const messages = [record('fi_transactions', txn('t1', '2025-06-01T00:00:00Z')), state('fi_transactions', { plan: 'sync-1' }, 1)];
    // A process that dies right after emitting the state: the background commit had no next record to trigger it.
    await withDestination(open, (destination) => feed(destination, [loadStream('fi_transactions')], messages, { finish: 'none', loader: { minCommitIntervalMs: 60_000 } }));
    expect(streamStateOf(await withDestination(open, (d) => d.readStates()), 'fi_transactions')).toBeUndefined();
    // The same, but the source waited for the barrier before acting on that state.
    await withDestination(open, async (destination) => {
      const loader = await feed(destination, [loadStream('fi_transactions')], messages, { finish: 'none', loader: { minCommitIntervalMs: 60_000 } });
      await loader.barrier();
    });
    expect(streamStateOf(await withDestination(open, (d) => d.readStates()), 'fi_transactions')).toEqual({ plan: 'sync-1' });
    expect(await withDestination(open, (d) => rows(d, 'SELECT txn_id FROM fi_transactions'))).toEqual([{ txn_id: 't1' }]);
  });

  it('commits by time or rows, not at every STATE, and saves each stream\'s latest state with every record before it', async () => {
    const open = await fresh();
    let now = 0;
    const stream = loadStream('fi_transactions');
    await withDestination(open, async (destination) => {
      await destination.prepare([stream]);
      const loader = new AirbyteLoader(destination, [stream], { syncId: 42, minCommitIntervalMs: 1_000, maxPendingRows: 4, now: () => now });
      const send = async (message: AirbyteMessage) => {
        const pending = loader.emit(message);
        if (pending) await pending;
      };
      // Three checkpoints inside the interval: nothing is committed yet.
      for (let i = 1; i <= 3; i++) {
        await send(record('fi_transactions', txn(`t${i}`, '2025-06-01T00:00:00Z')));
        await send(state('fi_transactions', { upTo: i }, 1));
      }
      await loader.settled();
      expect(loader.stats().commits).toBe(0);
      // The interval passes: the next record commits the three checkpoints in one transaction, itself not included.
      now += 1_000;
      await send(record('fi_transactions', txn('t4', '2025-06-01T00:00:00Z')));
      await loader.settled();
      expect(loader.stats()).toMatchObject({ commits: 1, statesCommitted: 1 });
      expect(streamStateOf(await destination.readStates(), 'fi_transactions')).toEqual({ upTo: 3 });
      expect(await rows(destination, 'SELECT txn_id FROM fi_transactions ORDER BY txn_id')).toEqual([{ txn_id: 't1' }, { txn_id: 't2' }, { txn_id: 't3' }]);
      // Within the interval again, but four rows wait behind a checkpoint: the next record commits them.
      for (let i = 5; i <= 7; i++) await send(record('fi_transactions', txn(`t${i}`, '2025-06-01T00:00:00Z')));
      await send(state('fi_transactions', { upTo: 7 }, 4));
      await send(record('fi_transactions', txn('t8', '2025-06-01T00:00:00Z')));
      await loader.settled();
      expect(loader.stats().commits).toBe(2);
      expect(streamStateOf(await destination.readStates(), 'fi_transactions')).toEqual({ upTo: 7 });
      expect(await rows(destination, 'SELECT COUNT(*) AS n FROM fi_transactions')).toEqual([{ n: '7' }]);
      // t8 has no STATE after it: a process that dies now leaves it out.
    });
    expect(await withDestination(open, (d) => rows(d, "SELECT COUNT(*) AS n FROM fi_transactions WHERE txn_id = 't8'"))).toEqual([{ n: '0' }]);
  });

  it('a commit due by time waits for the running one instead of stalling the read; the row bound still waits', async () => {
    const open = await fresh();
    let now = 0;
    const stream = loadStream('fi_transactions');
    await withDestination(open, async (destination) => {
      await destination.prepare([stream]);
      // The database is slow: commits wait for `release`.
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const commit = destination.commit.bind(destination);
      destination.commit = async (statements, states) => {
        await gate;
        return commit(statements, states);
      };
      const loader = new AirbyteLoader(destination, [stream], { syncId: 42, minCommitIntervalMs: 1_000, maxPendingRows: 5, now: () => now });
      const settledWithin = async (pending: Promise<void> | undefined) =>
        pending === undefined || (await Promise.race([pending.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300))]));
      expect(await settledWithin(loader.emit(record('fi_transactions', txn('t1', '2025-06-01T00:00:00Z'))))).toBe(true);
      loader.emit(state('fi_transactions', { upTo: 1 }, 1));
      now += 1_000;
      // Starts the first commit, which hangs on the gate; the read goes on.
      expect(await settledWithin(loader.emit(record('fi_transactions', txn('t2', '2025-06-01T00:00:00Z'))))).toBe(true);
      loader.emit(state('fi_transactions', { upTo: 2 }, 1));
      now += 1_000;
      // Due by time while the first still runs: deferred, not waited for.
      expect(await settledWithin(loader.emit(record('fi_transactions', txn('t3', '2025-06-01T00:00:00Z'))))).toBe(true);
      for (let i = 4; i <= 6; i++) expect(await settledWithin(loader.emit(record('fi_transactions', txn(`t${i}`, '2025-06-01T00:00:00Z'))))).toBe(true);
      loader.emit(state('fi_transactions', { upTo: 6 }, 5));
      // Five rows wait behind a checkpoint: the memory bound makes the read wait for the running commit.
      const bounded = loader.emit(record('fi_transactions', txn('t7', '2025-06-01T00:00:00Z')));
      expect(await settledWithin(bounded)).toBe(false);
      release();
      await bounded;
      await loader.settled();
      expect(loader.stats()).toMatchObject({ commits: 2, statesCommitted: 2 });
      expect(streamStateOf(await destination.readStates(), 'fi_transactions')).toEqual({ upTo: 6 });
      expect(await rows(destination, 'SELECT COUNT(*) AS n FROM fi_transactions')).toEqual([{ n: '6' }]);
    });
  });

  it('records handed over as JSON text (load reading stdin) are typed, checked and de-duplicated like parsed ones', async () => {
    const open = await fresh();
    const lines = [
      record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z', { narration: 'first' })),
      record('fi_transactions', txn('t1', '2025-06-01T00:00:03Z', { narration: 'highest', amount: '0.1234567' })),
      record('fi_transactions', txn('t2', '2025-06-01T00:00:02Z', { amount: 'twelve', value_date: '2025-02-30', transaction_timestamp: null, current_balance: '1.12345678901' })),
      state('fi_transactions', { n: 1 }, 3),
    ].map((message) => JSON.stringify(message));
    const messages: AirbyteMessage[] = [];
    for await (const message of readMessages(Readable.from(lines.map((line) => `${line}\n`)), () => undefined, { rawRecords: true })) messages.push(message);
    expect(messages.filter((message) => message.type === 'RECORD').every((message) => rawRecordJson(message.record.data) !== undefined)).toBe(true);
    await withDestination(open, async (destination) => {
      await feed(destination, [loadStream('fi_transactions')], messages);
      // An eleventh place is beyond DuckDB's DECIMAL(38,10); Postgres NUMERIC keeps it.
      const duckdb = destination.dialect.name === 'duckdb';
      expect(await rows(destination, 'SELECT txn_id, narration, amount, current_balance, value_date, transaction_timestamp, _airbyte_meta FROM fi_transactions ORDER BY txn_id')).toEqual([
        { txn_id: 't1', narration: 'highest', amount: '0.1234567', current_balance: '1000', value_date: '2025-03-04', transaction_timestamp: expect.stringMatching(/^2025-03-04 05:06:07\+00/), _airbyte_meta: { changes: [], sync_id: 42 } },
        {
          txn_id: 't2',
          narration: 'txn t2',
          amount: null,
          current_balance: duckdb ? null : '1.12345678901',
          value_date: null,
          transaction_timestamp: null,
          _airbyte_meta: {
            changes: [
              { field: 'amount', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
              ...(duckdb ? [{ field: 'current_balance', change: 'NULLED', reason: 'DESTINATION_FIELD_SIZE_LIMITATION' }] : []),
              { field: 'value_date', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
            ],
            sync_id: 42,
          },
        },
      ]);
      expect(streamStateOf(await destination.readStates(), 'fi_transactions')).toEqual({ n: 1 });
    });
  });

  it('types columns from the schema and keeps decimals exact', async () => {
    const open = await fresh();
    await withDestination(open, async (destination) => {
      await feed(
        destination,
        [loadStream('fi_transactions'), loadStream('bulk_batch_rows'), loadStream('bulk_batches')],
        [
          record('fi_transactions', txn('t1', '2025-06-01T00:00:00Z', { amount: '12345678901234.56', current_balance: '-0.01' })),
          record('fi_transactions', txn('t2', '2025-06-01T00:00:00.123456+05:30', { amount: 'twelve', value_date: '2025-02-30', transaction_timestamp: '2025-02-30T10:00:00Z' })),
          // A seventh place (an FX rate) and ten places past 9 integer digits (the slow exact cast) stay exact.
          record('fi_transactions', txn('t3', '2025-06-01T00:00:00Z', { amount: '0.1234567', current_balance: '-123456789.0123456789' })),
          record('bulk_batch_rows', { batch_id: 'b1', reference_id: 'r1', consent_id: 'c-1', row_id: 7, is_final: true, retry_attempt: 0, row_status: 'FAILED', error_code: 'ConsentRevoked', updated_at: '2025-06-01T00:00:00Z' }),
          record('bulk_batches', { batch_id: 'b1', reference_id: 'r1', total: 10, progress_percentage: 12.5, global_config: { fi_types: ['DEPOSIT'] }, updated_at: '2025-06-01T00:00:00Z' }),
          state('fi_transactions', { cursor: 1 }, 3),
          state('bulk_batch_rows', { cursor: 1 }, 1),
          state('bulk_batches', { cursor: 1 }, 1),
        ],
      );
      const txns = await rows(
        destination,
        'SELECT txn_id, amount, current_balance, transaction_timestamp, value_date, fetched_at, _airbyte_meta, _airbyte_generation_id FROM fi_transactions ORDER BY txn_id',
      );
      expect(txns[0]).toMatchObject({
        txn_id: 't1',
        amount: '12345678901234.56',
        current_balance: '-0.01',
        transaction_timestamp: '2025-03-04 05:06:07+00',
        value_date: '2025-03-04',
        fetched_at: '2025-06-01 00:00:00+00',
        _airbyte_meta: { changes: [], sync_id: 42 },
        _airbyte_generation_id: '0',
      });
      // Values that do not fit are NULL and say so in _airbyte_meta, as Destinations V2 do; the row is kept.
      expect(txns[1]).toMatchObject({ txn_id: 't2', amount: null, value_date: null, transaction_timestamp: null, fetched_at: '2025-05-31 18:30:00.123456+00' });
      expect((txns[1]!['_airbyte_meta'] as { changes: unknown[] }).changes).toEqual([
        { field: 'amount', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
        { field: 'transaction_timestamp', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
        { field: 'value_date', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
      ]);
      const decimalType = destination.dialect.columnType('decimal');
      const [exact] = await destination.query(
        `SELECT COUNT(*) AS n FROM fi_transactions WHERE amount = CAST('12345678901234.56' AS ${decimalType}) AND current_balance = CAST('-0.01' AS ${decimalType}) AND amount + current_balance = CAST('12345678901234.55' AS ${decimalType})`,
      );
      expect(Number(exact!['n'])).toBe(1);
      const types = await rows(
        destination,
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'fi_transactions' AND column_name IN ('amount', 'fetched_at', 'value_date', '_airbyte_raw_id', '_airbyte_meta') ORDER BY column_name",
      );
      expect(types.map((row) => `${String(row['column_name'])}:${String(row['data_type']).toLowerCase()}`)).toEqual(
        destination.dialect.name === 'duckdb'
          ? ['_airbyte_meta:json', '_airbyte_raw_id:uuid', 'amount:decimal(38,10)', 'fetched_at:timestamp with time zone', 'value_date:date']
          : ['_airbyte_meta:jsonb', '_airbyte_raw_id:uuid', 'amount:numeric', 'fetched_at:timestamp with time zone', 'value_date:date'],
      );
      expect(await rows(destination, "SELECT amount, current_balance FROM fi_transactions WHERE txn_id = 't3'")).toEqual([{ amount: '0.1234567', current_balance: '-123456789.0123456789' }]);
      expect(await rows(destination, 'SELECT row_id, is_final, retry_attempt FROM bulk_batch_rows')).toEqual([{ row_id: '7', is_final: true, retry_attempt: '0' }]);
      const [batch] = await rows(destination, 'SELECT total, progress_percentage, global_config FROM bulk_batches');
      expect(batch).toEqual({ total: '10', progress_percentage: 12.5, global_config: { fi_types: ['DEPOSIT'] } });
    });
  });

  it('loads fi_holdings exactly, extra as JSON, and fi_holdings_latest shows each account\'s holdings of its latest session', async () => {
    const open = await fresh();
    await withDestination(open, async (destination) => {
      await feed(
        destination,
        [loadStream('fi_holdings')],
        [
          record('fi_holdings', holding('s-1', 'L-1', 'INF1', '2025-06-01T00:00:00Z')),
          record('fi_holdings', holding('s-1', 'L-1', 'INF2', '2025-06-01T00:00:00Z')),
          record('fi_holdings', holding('s-2', 'L-1', 'INF1', '2025-07-01T00:00:00Z', { units: '10.5' })),
          // Fetched again in the same session: the later fetch is the one.
          record('fi_holdings', holding('s-2', 'L-1', 'INF1', '2025-07-02T00:00:00Z', { units: '11' })),
          record('fi_holdings', holding('s-1', 'L-2', 'TIER1:SM1', '2025-06-01T00:00:00Z', { fi_type: 'NPS', tier: 'TIER1', isin: null, scheme_code: 'SM1', folio_no: null })),
          state('fi_holdings', { cursor: 1 }, 5),
        ],
      );
      const stored = await rows(destination, "SELECT units, nav, value, cost_value, extra FROM fi_holdings WHERE session_id = 's-1' AND holding_id = 'INF1'");
      expect(stored).toEqual([{ units: '1234.567', nav: '49.4123', value: '61000.123456', cost_value: '50000', extra: { amfiCode: '120503', lienUnits: '' } }]);
      await destination.execute(analysisViewSql(new Set(['fi_holdings'])));
      const latest = await rows(destination, 'SELECT link_reference_number, instrument, tier, units, session_id FROM fi_holdings_latest ORDER BY link_reference_number, instrument');
      expect(latest).toEqual([
        { link_reference_number: 'L-1', instrument: 'INF1', tier: null, units: '11', session_id: 's-2' },
        { link_reference_number: 'L-2', instrument: 'SM1', tier: 'TIER1', units: '1234.567', session_id: 's-1' },
      ]);
    });
  });

  it('de-duplicates on the primary key: the highest cursor wins, ties go to the later record, across loads', async () => {
    const open = await fresh();
    const streams = [loadStream('fi_transactions')];
    await withDestination(open, (destination) =>
      feed(destination, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z', { narration: 'first' })),
        record('fi_transactions', txn('t1', '2025-06-01T00:00:03Z', { narration: 'highest' })),
        record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z', { narration: 'late but older' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:05Z', { narration: 'tie a' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:05Z', { narration: 'tie b' })),
        // A NULL cursor loses to any cursor; of two NULL cursors the later record wins.
        record('fi_transactions', txn('t4', '2025-06-01T00:00:01Z', { narration: 'has a cursor' })),
        record('fi_transactions', txn('t4', null as unknown as string, { narration: 'null cursor' })),
        record('fi_transactions', txn('t5', null as unknown as string, { narration: 'null a' })),
        record('fi_transactions', txn('t5', null as unknown as string, { narration: 'null b' })),
        state('fi_transactions', { n: 1 }, 9),
      ]),
    );
    await withDestination(open, (destination) =>
      feed(destination, streams, [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z', { narration: 'older, next sync' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:05Z', { narration: 'tie c, next sync' })),
        record('fi_transactions', txn('t3', '2025-06-01T00:00:06Z', { narration: 'new' })),
        state('fi_transactions', { n: 2 }, 3),
      ]),
    );
    await withDestination(open, async (destination) => {
      expect(await rows(destination, 'SELECT txn_id, narration FROM fi_transactions ORDER BY txn_id')).toEqual([
        { txn_id: 't1', narration: 'highest' },
        { txn_id: 't2', narration: 'tie c, next sync' },
        { txn_id: 't3', narration: 'new' },
        { txn_id: 't4', narration: 'has a cursor' },
        { txn_id: 't5', narration: 'null b' },
      ]);
    });
  });

  it('append keeps every record', async () => {
    const open = await fresh();
    await withDestination(open, async (destination) => {
      await feed(destination, [loadStream('fi_transactions', 'append')], [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z')),
        record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z')),
        state('fi_transactions', {}, 2),
      ]);
      expect(await rows(destination, 'SELECT COUNT(*) AS n FROM fi_transactions')).toEqual([{ n: '2' }]);
    });
  });

  it('moves one table between append and append_dedup without losing or merging the wrong rows', async () => {
    const open = await fresh();
    const load = (mode: 'append' | 'append_dedup', messages: Parameters<typeof feed>[2]) => withDestination(open, (destination) => feed(destination, [loadStream('fi_transactions', mode)], messages));
    // Append stores a repeated key, so Postgres cannot put a unique index on it: dedup then merges the slow way.
    await load('append', [record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z')), record('fi_transactions', txn('t1', '2025-06-01T00:00:02Z')), state('fi_transactions', {}, 2)]);
    await load('append_dedup', [record('fi_transactions', txn('t1', '2025-06-01T00:00:03Z', { narration: 'deduped' })), state('fi_transactions', {}, 1)]);
    await withDestination(open, async (destination) => {
      expect(await rows(destination, 'SELECT txn_id, narration FROM fi_transactions')).toEqual([{ txn_id: 't1', narration: 'deduped' }]);
    });
    // Now the keys are unique: Postgres indexes them and upserts; an older record still loses.
    await withDestination(open, async (destination) => {
      await feed(destination, [loadStream('fi_transactions')], [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:00Z', { narration: 'older' })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:00Z', { narration: 'new key' })),
        state('fi_transactions', {}, 2),
      ]);
      expect(destination.upserts('fi_transactions')).toBe(destination.dialect.name === 'postgres');
    });
    // Back to append: the unique index goes, a repeated key is stored again.
    await load('append', [record('fi_transactions', txn('t2', '2025-06-01T00:00:09Z', { narration: 'appended' })), state('fi_transactions', {}, 1)]);
    await withDestination(open, async (destination) => {
      expect(await rows(destination, 'SELECT txn_id, narration FROM fi_transactions ORDER BY txn_id, narration')).toEqual([
        { txn_id: 't1', narration: 'deduped' },
        { txn_id: 't2', narration: 'appended' },
        { txn_id: 't2', narration: 'new key' },
      ]);
    });
  });

  it('overwrites only when the stream completes; an interrupted full refresh leaves the previous table', async () => {
    const open = await fresh();
    await withDestination(open, (destination) =>
      feed(destination, [loadStream('fi_accounts', 'overwrite', 1)], [
        record('fi_accounts', { session_id: 's1', consent_id: 'c1', link_reference_number: 'A', fetched_at: '2025-06-01T00:00:00Z' }),
        record('fi_accounts', { session_id: 's1', consent_id: 'c1', link_reference_number: 'B', fetched_at: '2025-06-01T00:00:00Z' }),
        state('fi_accounts', { gen: 1 }, 2),
        complete('fi_accounts'),
      ]),
    );
    // Interrupted: records and a state, no COMPLETE, the source failed.
    await withDestination(open, (destination) =>
      feed(
        destination,
        [loadStream('fi_accounts', 'overwrite', 2)],
        [record('fi_accounts', { session_id: 's2', consent_id: 'c1', link_reference_number: 'C', fetched_at: '2025-06-02T00:00:00Z' }), state('fi_accounts', { gen: 2 }, 1)],
        { finish: 'failure' },
      ),
    );
    await withDestination(open, async (destination) => {
      expect(await rows(destination, 'SELECT link_reference_number AS l, _airbyte_generation_id AS g FROM fi_accounts ORDER BY 1')).toEqual([
        { l: 'A', g: '1' },
        { l: 'B', g: '1' },
      ]);
      expect(streamStateOf(await destination.readStates(), 'fi_accounts')).toEqual({ gen: 1 });
      await feed(destination, [loadStream('fi_accounts', 'overwrite', 3)], [
        record('fi_accounts', { session_id: 's3', consent_id: 'c1', link_reference_number: 'D', fetched_at: '2025-06-03T00:00:00Z' }),
        state('fi_accounts', { gen: 3 }, 1),
        complete('fi_accounts'),
      ]);
      expect(await rows(destination, 'SELECT link_reference_number AS l, _airbyte_generation_id AS g FROM fi_accounts')).toEqual([{ l: 'D', g: '3' }]);
      expect(streamStateOf(await destination.readStates(), 'fi_accounts')).toEqual({ gen: 3 });
    });
  });

  it('commits a stream\'s records with its STATE only; records after the last STATE are not committed', async () => {
    const open = await fresh();
    await withDestination(open, (destination) =>
      feed(
        destination,
        [loadStream('fi_transactions'), loadStream('bulk_batch_rows')],
        [
          record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z')),
          record('bulk_batch_rows', { batch_id: 'b1', reference_id: 'r1', consent_id: 'c1', updated_at: '2025-06-01T00:00:00Z' }),
          state('fi_transactions', { upTo: 't1' }, 1),
          record('fi_transactions', txn('t2', '2025-06-01T00:00:02Z')),
        ],
        // The process dies here: no finish, the connection just closes.
        { finish: 'none' },
      ),
    );
    await withDestination(open, async (destination) => {
      expect(await rows(destination, 'SELECT txn_id FROM fi_transactions')).toEqual([{ txn_id: 't1' }]);
      expect(await rows(destination, 'SELECT COUNT(*) AS n FROM bulk_batch_rows')).toEqual([{ n: '0' }]);
      const states = await destination.readStates();
      expect(states.map((s) => s.stream?.stream_descriptor.name)).toEqual(['fi_transactions']);
      expect(streamStateOf(states, 'fi_transactions')).toEqual({ upTo: 't1' });
    });
  });

  it('saves the state in the same transaction as its records: a failed commit keeps neither', async () => {
    const open = await fresh();
    await withDestination(open, async (destination) => {
      const messages = [record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z')), state('fi_transactions', { upTo: 't1' }, 1)];
      await expect(feed(failingCommit(destination), [loadStream('fi_transactions')], messages)).rejects.toThrow();
    });
    await withDestination(open, async (destination) => {
      expect(await rows(destination, 'SELECT COUNT(*) AS n FROM fi_transactions')).toEqual([{ n: '0' }]);
      expect(await destination.readStates()).toEqual([]);
      await feed(destination, [loadStream('fi_transactions')], [record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z')), state('fi_transactions', { upTo: 't1' }, 1)]);
      expect(await rows(destination, 'SELECT COUNT(*) AS n FROM fi_transactions')).toEqual([{ n: '1' }]);
      expect(streamStateOf(await destination.readStates(), 'fi_transactions')).toEqual({ upTo: 't1' });
    });
  });

  it('schema evolution: a new field adds a column, nothing is dropped', async () => {
    const open = await fresh();
    const full = loadStream('fi_transactions');
    const older: TablePlan = { ...full.plan, columns: full.plan.columns.filter((column) => column.name !== 'narration' && column.name !== 'reference') };
    await withDestination(open, (destination) =>
      feed(destination, [{ ...full, plan: older }], [record('fi_transactions', txn('t1', '2025-06-01T00:00:01Z')), state('fi_transactions', {}, 1)]),
    );
    await withDestination(open, async (destination) => {
      expect(await rows(destination, "SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'fi_transactions' AND column_name = 'narration'")).toEqual([{ n: '0' }]);
      await feed(destination, [full], [record('fi_transactions', txn('t2', '2025-06-01T00:00:02Z', { narration: 'now typed' })), state('fi_transactions', {}, 1)]);
      expect(await rows(destination, `SELECT txn_id, ${quoteIdent('narration')}, amount FROM fi_transactions ORDER BY txn_id`)).toEqual([
        { txn_id: 't1', narration: null, amount: '100.25' },
        { txn_id: 't2', narration: 'now typed', amount: '100.25' },
      ]);
    });
  });

  it('stores text and JSON holding COPY separators and backslashes as sent', async () => {
    const open = await fresh();
    const narration = 'tab\there\nnew line\r\\back\\slash \\N';
    const data = { note: 'a\\b\t"c"\n', nested: { path: 'C:\\dir\\N' } };
    const fiData = { session_id: 's-1', consent_id: 'c-1', link_reference_number: 'L-1', data, fetched_at: '2025-06-01T00:00:00Z' };
    await withDestination(open, async (destination) => {
      await feed(destination, [loadStream('fi_transactions'), loadStream('fi_data', 'append')], [
        record('fi_transactions', txn('t1', '2025-06-01T00:00:00Z', { narration })),
        record('fi_transactions', txn('t2', '2025-06-01T00:00:00Z', { narration: '\\', reference: '\t' })),
        record('fi_data', fiData),
        record('fi_data', fiData),
        state('fi_transactions', { n: 1 }, 2),
        state('fi_data', { n: 1 }, 2),
      ]);
      expect(await rows(destination, 'SELECT txn_id, narration, reference FROM fi_transactions ORDER BY txn_id')).toEqual([
        { txn_id: 't1', narration, reference: null },
        { txn_id: 't2', narration: '\\', reference: '\t' },
      ]);
      expect(await rows(destination, 'SELECT data FROM fi_data')).toEqual([{ data }, { data }]);
    });
  });
}
