import { AirbyteStateMessage } from '../protocol/airbyte-message.js';
import type { SqlRunner } from './load-destination.js';
import { EXISTING_COLUMNS_SQL } from './load-sql.js';

/** What a database already holds, read the same way in both. */

/** The states saved by earlier loads (DuckDB returns the JSON column as text, pg parses jsonb). */
export async function readSavedStates(db: SqlRunner): Promise<AirbyteStateMessage[]> {
  const rows = await db.rows('SELECT state FROM _airbyte_state ORDER BY stream_name');
  return rows.map((row) => AirbyteStateMessage.parse(typeof row['state'] === 'string' ? JSON.parse(row['state']) : row['state']));
}

/** The columns of every table in the current schema, by table. */
export async function existingColumns(db: SqlRunner): Promise<Map<string, Set<string>>> {
  const tables = new Map<string, Set<string>>();
  for (const row of await db.rows(EXISTING_COLUMNS_SQL)) {
    const table = String(row['table_name']);
    let columns = tables.get(table);
    if (columns === undefined) tables.set(table, (columns = new Set()));
    columns.add(String(row['column_name']));
  }
  return tables;
}
