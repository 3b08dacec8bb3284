import type { SqlStep, StreamMove } from './load-destination.js';
import { quoteIdent, type SqlDialect } from './sql-dialect.js';
import { finalColumns, type ColumnKind, type ColumnPlan, type TablePlan } from './table-mapping.js';

/**
 * The SQL of a load, built once for both databases (only type names and temp-table DDL come
 * from the dialect). Records are appended as text into a session-local staging table with a
 * sequence number; at a checkpoint one transaction moves the rows up to that number into the
 * final table (de-duplicated, appended or swapped in) and saves the state beside them.
 */

/** How a stream's rows reach its final table (Airbyte destination sync modes). */
export type LoadMode = 'append' | 'append_dedup' | 'overwrite';

export const SEQ_COLUMN = '_airbyte_seq';

export function stagingTable(plan: TablePlan): string {
  return `_airbyte_stage_${plan.table}`;
}

/** Staging columns: the sequence number, then every final column (as text, or typed where the dialect stagesTyped), in `finalColumns` order. */
export function stagingColumnNames(plan: TablePlan): string[] {
  return [SEQ_COLUMN, ...finalColumns(plan).map((column) => column.name)];
}

const typedColumns = (dialect: SqlDialect, columns: readonly ColumnPlan[]) =>
  columns.map((column) => `${quoteIdent(column.name)} ${dialect.columnType(column.kind)}`).join(', ');

/**
 * Creates the final table or adds the columns a newer schema has (nothing is ever dropped),
 * and creates the empty staging tables. `existingColumns` is undefined when the table does not exist.
 * `keyIndex: false` leaves out the dialect's primary-key index (the caller decides about it);
 * `staging: false` leaves out the staging table (the caller creates its own).
 */
export function prepareTableSql(dialect: SqlDialect, plan: TablePlan, existingColumns: ReadonlySet<string> | undefined, options: { keyIndex?: boolean; staging?: boolean } = {}): string[] {
  const table = quoteIdent(plan.table);
  const statements: string[] = [];
  if (existingColumns === undefined) {
    statements.push(`CREATE TABLE IF NOT EXISTS ${table} (${typedColumns(dialect, finalColumns(plan))})`);
  } else {
    for (const column of finalColumns(plan)) {
      if (!existingColumns.has(column.name)) {
        statements.push(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(column.name)} ${dialect.columnType(column.kind)}`);
      }
    }
  }
  // Left out where the destination indexes the key itself (Postgres upserts on a unique index: a second index on the same columns only doubled the writes).
  if (options.keyIndex !== false) statements.push(...dialect.primaryKeyIndex(plan.table, plan.primaryKey));
  if (options.staging === false) return statements;
  const stagingColumns = [`${quoteIdent(SEQ_COLUMN)} BIGINT`, ...finalColumns(plan).map((column) => `${quoteIdent(column.name)} ${dialect.columnType(dialect.stagesTyped ? column.kind : 'string')}`)];
  statements.push(...dialect.createTempTable(stagingTable(plan), stagingColumns.join(', ')));
  return statements;
}

/** The columns in a table, read the same way in both databases. */
export const EXISTING_COLUMNS_SQL =
  'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_catalog = current_database()';

/** A staged column as its final type: cast from text (as the dialect casts), or as is where the dialect stagesTyped. */
function stagedValue(dialect: SqlDialect, expression: string, kind: ColumnKind): string {
  return dialect.stagesTyped ? expression : dialect.castFromText(expression, kind);
}

/** `CAST(s."col" AS type) AS "col"` (see stagedValue) for every final column. */
function typedSelectList(dialect: SqlDialect, plan: TablePlan, alias: string): string {
  return finalColumns(plan)
    .map((column) => `${stagedValue(dialect, `${alias}.${quoteIdent(column.name)}`, column.kind)} AS ${quoteIdent(column.name)}`)
    .join(', ');
}

export const columnList = (plan: TablePlan): string => finalColumns(plan).map((column) => quoteIdent(column.name)).join(', ');

export const pkMatch = (plan: TablePlan, left: string, right: string): string =>
  plan.primaryKey.map((field) => `${left}.${quoteIdent(field)} = ${right}.${quoteIdent(field)}`).join(' AND ');

/** Staged rows up to `upToSeq`, one per primary key: the highest cursor, and of equal cursors the later record. */
function latestPerKeySql(dialect: SqlDialect, plan: TablePlan, upToSeq: number): string {
  if (dialect.stagesTyped) return unbeatenSql(dialect, plan, upToSeq);
  const cursorKind = plan.columns.find((column) => column.name === plan.cursor)?.kind;
  const order = [
    ...(plan.cursor !== undefined && cursorKind !== undefined ? [`${stagedValue(dialect, `s.${quoteIdent(plan.cursor)}`, cursorKind)} DESC NULLS LAST`] : []),
    `s.${quoteIdent(SEQ_COLUMN)} DESC`,
  ].join(', ');
  const partition = plan.primaryKey.map((field) => `s.${quoteIdent(field)}`).join(', ');
  return (
    `SELECT ${typedSelectList(dialect, plan, 'r')} FROM (` +
    `SELECT s.*, row_number() OVER (PARTITION BY ${partition} ORDER BY ${order}) AS _airbyte_rn ` +
    `FROM ${quoteIdent(stagingTable(plan))} AS s WHERE s.${quoteIdent(SEQ_COLUMN)} <= ${upToSeq}` +
    `) AS r WHERE r._airbyte_rn = 1`
  );
}

/**
 * The same rows as the window of latestPerKeySql, as an anti-join: the staged rows no other
 * staged row of their key beats (higher cursor, NULL lowest; of equal cursors the later row).
 * DuckDB hash-joins this; its window sorted every staged row, though few keys repeat (a 400k
 * load: 3 repeats, the window ~2 s). Needs typed staging (the cursor compares as stored).
 */
function unbeatenSql(dialect: SqlDialect, plan: TablePlan, upToSeq: number): string {
  const stage = quoteIdent(stagingTable(plan));
  const seq = quoteIdent(SEQ_COLUMN);
  const sameKey = plan.primaryKey.map((field) => `b.${quoteIdent(field)} IS NOT DISTINCT FROM s.${quoteIdent(field)}`).join(' AND ');
  const later = `b.${seq} > s.${seq}`;
  let beats = later;
  if (plan.cursor !== undefined) {
    const [b, c] = [`b.${quoteIdent(plan.cursor)}`, `s.${quoteIdent(plan.cursor)}`];
    beats = `(${b} IS NOT NULL AND (${c} IS NULL OR ${b} > ${c})) OR ((${b} = ${c} OR (${b} IS NULL AND ${c} IS NULL)) AND ${later})`;
  }
  return (
    `SELECT ${typedSelectList(dialect, plan, 's')} FROM ${stage} AS s WHERE s.${seq} <= ${upToSeq} ` +
    `AND NOT EXISTS (SELECT 1 FROM ${stage} AS b WHERE b.${seq} <= ${upToSeq} AND ${sameKey} AND (${beats}))`
  );
}

/** True when the incoming row `n` replaces the stored row `f`: its cursor is not lower (NULL cursors lose). */
export function incomingWins(plan: TablePlan, incoming = 'n'): string {
  if (plan.cursor === undefined) return 'TRUE';
  const f = `f.${quoteIdent(plan.cursor)}`;
  const n = `${incoming}.${quoteIdent(plan.cursor)}`;
  return `((${n} IS NULL AND ${f} IS NULL) OR (${n} IS NOT NULL AND (${f} IS NULL OR ${f} <= ${n})))`;
}

/**
 * Moves staged rows up to `upToSeq` into the final table. Run inside the checkpoint's transaction;
 * the moved rows stay in staging until the caller drops them (discardMovedSql, or Postgres's
 * discardMovedLockedSql at the end of the transaction). `repeatsKey` false (staged-keys.ts proved
 * no two of those rows share a primary key) skips the window that keeps one row per key; the
 * upsert against the stored rows is the same either way.
 */
export function mergeSql(dialect: SqlDialect, plan: TablePlan, mode: LoadMode, upToSeq: number, repeatsKey = true, upsert = false): string[] {
  const final = quoteIdent(plan.table);
  const stage = quoteIdent(stagingTable(plan));
  const seq = quoteIdent(SEQ_COLUMN);
  const statements: string[] = [];
  const dedup = plan.primaryKey.length > 0;
  const everyStaged = stagedRowsSql(dialect, plan, upToSeq);
  const onePerKey = repeatsKey ? latestPerKeySql(dialect, plan, upToSeq) : everyStaged;
  if (mode === 'overwrite') {
    // Only called when the stream completed: the new generation replaces the old one at once.
    statements.push(`DELETE FROM ${final}`);
  }
  if (mode === 'append' || !dedup) {
    statements.push(`INSERT INTO ${final} (${columnList(plan)}) ${everyStaged} ORDER BY s.${seq}`);
  } else if (mode === 'overwrite') {
    statements.push(`INSERT INTO ${final} (${columnList(plan)}) ${onePerKey}`);
  } else if (upsert) {
    // One statement on the unique key index (uniqueKeySql): a key is inserted, or replaces the
    // stored row when it wins. onePerKey holds each key once, as ON CONFLICT requires.
    const assignments = finalColumns(plan)
      .map((column) => `${quoteIdent(column.name)} = excluded.${quoteIdent(column.name)}`)
      .join(', ');
    statements.push(
      `INSERT INTO ${final} AS f (${columnList(plan)}) ${onePerKey} ` +
        `ON CONFLICT (${plan.primaryKey.map(quoteIdent).join(', ')}) DO UPDATE SET ${assignments} WHERE ${incomingWins(plan, 'excluded')}`,
    );
  } else {
    // Straight from staging, without materializing the batch in a table first (that copied
    // every row, JSON documents included, once more: ~40% of DuckDB's merge time). The delete
    // reads only the key and cursor of the subquery; the insert skips every key a stored row
    // still holds, i.e. one whose higher cursor beat the incoming row.
    statements.push(
      `DELETE FROM ${final} AS f USING (${onePerKey}) AS n WHERE ${pkMatch(plan, 'f', 'n')} AND ${incomingWins(plan)}`,
      `INSERT INTO ${final} (${columnList(plan)}) SELECT ${columnList(plan)} FROM (${onePerKey}) AS n WHERE NOT EXISTS (SELECT 1 FROM ${final} AS f WHERE ${pkMatch(plan, 'f', 'n')})`,
    );
  }
  return statements;
}

/** The staged rows up to `upToSeq`, typed as the final table's columns (alias `s`). */
function stagedRowsSql(dialect: SqlDialect, plan: TablePlan, upToSeq: number): string {
  return `SELECT ${typedSelectList(dialect, plan, 's')} FROM ${quoteIdent(stagingTable(plan))} AS s WHERE s.${quoteIdent(SEQ_COLUMN)} <= ${upToSeq}`;
}

/** Drops the staged rows a commit moved (up to `upToSeq`). */
export function discardMovedSql(plan: TablePlan, upToSeq: number): string {
  return `DELETE FROM ${quoteIdent(stagingTable(plan))} WHERE ${quoteIdent(SEQ_COLUMN)} <= ${upToSeq}`;
}

/**
 * The move of staged rows that share no key among themselves (staged-keys.ts) into a table whose
 * every key so far came from this load (postgres-destination.ts): a plain INSERT, which skips the
 * upsert's conflict check on each row. The unique index guards it: a row whose key is stored
 * fails the commit (unique_violation), which the destination runs again as an upsert.
 */
function freshInsertSql(dialect: SqlDialect, plan: TablePlan, upToSeq: number): string[] {
  return [`INSERT INTO ${quoteIdent(plan.table)} (${columnList(plan)}) ${stagedRowsSql(dialect, plan, upToSeq)}`];
}

/** The unique index an upsert needs. Only append_dedup tables get it: append tables keep repeated keys. */
export function uniqueKeySql(plan: TablePlan): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(uniqueKeyIndex(plan))} ON ${quoteIdent(plan.table)} (${plan.primaryKey.map(quoteIdent).join(', ')})`;
}

/** A stream loaded another way now (append may repeat a key) loses the unique index. */
export function dropUniqueKeySql(plan: TablePlan): string {
  return `DROP INDEX IF EXISTS ${quoteIdent(uniqueKeyIndex(plan))}`;
}

const uniqueKeyIndex = (plan: TablePlan) => `${plan.table}_pk_key`;

/** Drops staged rows of a stream (an overwrite that will not complete). */
export function discardStagedSql(plan: TablePlan): string {
  return `DELETE FROM ${quoteIdent(stagingTable(plan))}`;
}


/** One boolean row `answer`: whether the staged rows up to `upToSeq` repeat a primary key (NULL parts compare equal, as in the window). */
export function keyRepeatsSql(plan: TablePlan, upToSeq: number): string {
  return rowsRepeatKeySql(plan, quoteIdent(stagingTable(plan)), `${quoteIdent(SEQ_COLUMN)} <= ${upToSeq}`);
}

/** One boolean row `answer`: whether the rows of `table` that match `where` repeat a primary key (NULL parts compare equal). */
export function rowsRepeatKeySql(plan: TablePlan, table: string, where: string): string {
  const key = plan.primaryKey.map((field) => quoteIdent(field)).join(', ');
  return `SELECT count(*) <> count(DISTINCT (${key}, 0)) AS answer FROM ${table} WHERE ${where}`;
}

/**
 * The SQL of a move through the staging table, which every destination can run: mergeSql, and
 * when the loader never saw the rows' keys (`repeatsKey` undefined) a choice that asks the
 * database whether they repeat one. `upsert`: the table has the unique key index (mergeSql);
 * `insertPlainly`: the rows may be tried as a plain INSERT (freshInsertSql) when they share no key.
 * The moved rows stay in staging (see mergeSql).
 */
export function mergeStatements(dialect: SqlDialect, move: StreamMove, upsert: boolean, insertPlainly = false): SqlStep[] {
  const { plan, mode, upToSeq, repeatsKey } = move;
  if (upsert && insertPlainly && repeatsKey === false && mode === 'append_dedup' && plan.primaryKey.length > 0) return freshInsertSql(dialect, plan, upToSeq);
  if (repeatsKey !== undefined || plan.primaryKey.length === 0 || mode === 'append') return mergeSql(dialect, plan, mode, upToSeq, repeatsKey ?? true, upsert);
  return [{ when: keyRepeatsSql(plan, upToSeq), then: mergeSql(dialect, plan, mode, upToSeq, true, upsert), otherwise: mergeSql(dialect, plan, mode, upToSeq, false, upsert) }];
}

/**
 * Postgres: drops the staged rows a commit moved (up to `upToSeq`), at the end of its
 * transaction, where DuckDB runs discardMovedSql after each move. The COPY connection writes the
 * same staging table, so it is locked first: a COPY under way finishes, the next one waits for
 * the commit. Holding no row past `upToSeq` then (the usual case: a commit flushes what was
 * staged before it), the table is truncated (a new empty file) instead of every row deleted
 * (dead rows that later scans read and vacuum clears).
 */
export function discardMovedLockedSql(plan: TablePlan, upToSeq: number): SqlStep[] {
  const stage = quoteIdent(stagingTable(plan));
  return [
    `LOCK TABLE ${stage} IN ACCESS EXCLUSIVE MODE`,
    { when: `SELECT EXISTS (SELECT 1 FROM ${stage} WHERE ${quoteIdent(SEQ_COLUMN)} > ${upToSeq}) AS answer`, then: [discardMovedSql(plan, upToSeq)], otherwise: [`TRUNCATE ${stage}`] },
  ];
}
