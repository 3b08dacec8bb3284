import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from './load-harness.js';

/**
 * `load` reads messages from stdin, which any program may write. Into DuckDB, records in the
 * usual shape go to the database unparsed (the fast path), so a record whose data is broken
 * JSON is first seen by DuckDB's reader: it must be reported and skipped like any other line
 * that is not a protocol message, and the good records around it and the state still load.
 */
const dir = mkdtempSync(join(tmpdir(), 'finpro-load-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const account = (session: string) => ({ session_id: session, link_reference_number: `l-${session}`, consent_id: 'c-1', fetched_at: '2026-01-01T00:00:00.000Z' });
const recordLine = (data: unknown) => JSON.stringify({ type: 'RECORD', record: { stream: 'fi_accounts', data, emitted_at: 1_767_225_600_000 } });

describe('load from stdin into DuckDB', () => {
  it('skips a record whose data is not JSON, with a line on stderr, and loads the rest with the state', async () => {
    const path = join(dir, 'stdin.duckdb');
    const broken = recordLine(account('s-2')).replace('"consent_id"', '"consent_id" "oops":1,');
    expect(() => JSON.parse(broken)).toThrow();
    const state = JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'fi_accounts' }, stream_state: { cursor: 'x' } } } });
    const running = spawnCli(['load', '--to', `duckdb:${path}`], { stdin: 'pipe' });
    running.child.stdin!.end([recordLine(account('s-1')), broken, recordLine(account('s-3')), state, ''].join('\n'));
    const result = await running.done;
    expect(result.stderr).toContain('skipped 1 fi_accounts record whose data is not valid JSON');
    expect(result.code, result.stderr).toBe(0);

    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    try {
      const rows = (await connection.runAndReadAll('SELECT session_id FROM fi_accounts ORDER BY session_id')).getRowObjectsJson();
      expect(rows).toEqual([{ session_id: 's-1' }, { session_id: 's-3' }]);
      const states = (await connection.runAndReadAll('SELECT stream_name FROM _airbyte_state')).getRowObjectsJson();
      expect(states).toEqual([{ stream_name: 'fi_accounts' }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
