import type { SqlStep, StreamMove } from './load-destination.js';
import { columnList, discardMovedSql, incomingWins, mergeSql, pkMatch, rowsRepeatKeySql } from './load-sql.js';
import { duckdbDialect, quoteIdent } from './sql-dialect.js';

/**
 * DuckDB writes a commit's typed rows once, straight from read_json into the final table,
 * where the mode allows: read_json into the TEMP staging table and then into the final table
 * wrote every row twice (issue 13). The staging table stays for what one pass over the rows
 * cannot settle: rows that repeat a key among themselves (the dedup pass picks one per key by
 * cursor, then staging order, which the final table does not keep), and rows JS never parsed
 * (`load`: a line that is not JSON must be dropped before the transaction).
 */

/** True when `move` can be written straight from the staged files (see above): rows that repeat a key are found in the transaction. */
export function writesDirectly(move: StreamMove): boolean {
  return !move.rawLines;
}

/** The SQL variable holding the last stored rowid before a move's insert: rows past it are the move's. */
const LAST_ROW = `getvariable('airbyte_last_row')`;

/**
 * The statements that move `rows` (duckdb-ingest-sql's typedRowsSql: the staging table's
 * columns) into the final table, with load-sql's mergeSql semantics: an append inserts every
 * row; an overwrite replaces the table. An append_dedup inserts every row too, then settles
 * each key against the stored rows: a stored row the incoming one beats (incomingWins) is
 * deleted, and an incoming row a stored row still holds its key against is deleted (the
 * stored row won), as mergeSql's DELETE ... USING + INSERT ... WHERE NOT EXISTS do. The
 * incoming rows are those past the table's last rowid before the insert (DuckDB appends,
 * never reuses a rowid). Deleting by key and cursor only, not MERGE: MERGE's join held every
 * incoming column (fi_data's documents) and ran the smallest budget out of memory.
 *
 * JS does not track the rows' keys (the loader leaves `repeatsKey` to the database for JSON
 * staging), so the transaction asks whether the inserted rows repeat one: a count over their
 * key columns, where tracking each key in JS cost ~1 s of the read's thread per 20,000 consents. They rarely do (a row's status updates,
 * within one commit); then they are taken out again and go through `stagedIngest` (the same
 * files into the staging table) and the staged merge.
 */
export function directMoveSql(move: StreamMove, rows: string, stagedIngest: string): SqlStep[] {
  const { plan, mode, upToSeq } = move;
  const final = quoteIdent(plan.table);
  const insert = `INSERT INTO ${final} (${columnList(plan)}) SELECT ${columnList(plan)} FROM (${rows}) AS n`;
  const dedup = plan.primaryKey.length > 0 && mode !== 'append';
  if (!dedup) return mode === 'overwrite' ? [`DELETE FROM ${final}`, insert] : [insert];
  const keyAndCursor = [...plan.primaryKey, ...(plan.cursor !== undefined && !plan.primaryKey.includes(plan.cursor) ? [plan.cursor] : [])].map(quoteIdent).join(', ');
  const settle =
    mode === 'overwrite'
      ? []
      : [
          `DELETE FROM ${final} AS f USING (SELECT ${keyAndCursor} FROM ${final} WHERE rowid > ${LAST_ROW}) AS n WHERE f.rowid <= ${LAST_ROW} AND ${pkMatch(plan, 'f', 'n')} AND ${incomingWins(plan)}`,
          `DELETE FROM ${final} AS n WHERE n.rowid > ${LAST_ROW} AND EXISTS (SELECT 1 FROM ${final} AS f WHERE f.rowid <= ${LAST_ROW} AND ${pkMatch(plan, 'f', 'n')})`,
        ];
  const written = [...(mode === 'overwrite' ? [`DELETE FROM ${final}`] : []), `SET VARIABLE airbyte_last_row = (SELECT coalesce(max(rowid), -1) FROM ${final})`, insert];
  return [
    ...written,
    {
      when: rowsRepeatKeySql(plan, final, `rowid > ${LAST_ROW}`),
      then: [`DELETE FROM ${final} WHERE rowid > ${LAST_ROW}`, stagedIngest, ...mergeSql(duckdbDialect, plan, mode, upToSeq, true, false), discardMovedSql(plan, upToSeq)],
      otherwise: settle,
    },
  ];
}
