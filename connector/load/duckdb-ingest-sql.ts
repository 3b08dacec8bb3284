import { SEQ_COLUMN, stagingColumnNames, stagingTable } from './load-sql.js';
import { DUCKDB_DECIMAL, duckdbDialect, quoteIdent, quoteLiteral } from './sql-dialect.js';
import { AIRBYTE_COLUMNS, type ColumnKind, type ColumnPlan, type TablePlan } from './table-mapping.js';

/**
 * The typing of record-typer.ts, in DuckDB SQL, for rows staged as record JSON: one staging
 * line `{"s":seq,"e":emitted_at,"d":<record data>}` per record, read by `read_json` straight
 * into typed columns. JS neither types nor re-serializes a value (the `load` path hands over
 * the record's own JSON text): on a 400k-record load that was ~5 s of the single JS thread.
 * The checks are the typer's: a value that does not fit is NULL and named in `_airbyte_meta`
 * (`NULLED`, `DESTINATION_TYPECAST_ERROR` / `DESTINATION_FIELD_SIZE_LIMITATION`), never a
 * failed cast mid-transaction, and decimals never pass through a float.
 */

/** How read_json delivers each kind: as the field's text (strings unquoted) or as JSON, when the JSON type decides. */
function fieldType(kind: ColumnKind): 'VARCHAR' | 'JSON' {
  return kind === 'json' || kind === 'double' || kind === 'boolean' ? 'JSON' : 'VARCHAR';
}

/** `NULL`: no reason (the value fits), for a check that settles the common case first. */
type Reason = 'DESTINATION_TYPECAST_ERROR' | 'DESTINATION_FIELD_SIZE_LIMITATION' | 'NULL';

interface TypedField {
  /** The typed value, NULL when the check fails. */
  value: string;
  /** SQL for the reason the value is NULLed, NULL when it fits (or is NULL). */
  reason: string | undefined;
}

const match = (v: string, pattern: string) => `regexp_full_match(${v}, ${quoteLiteral(pattern)})`;
/** The reason of the first failed check; NULL for a NULL value (JSON null reads as NULL), as the typer keeps null. */
const when = (v: string, checks: [string, Reason][]) =>
  `CASE WHEN ${v} IS NULL THEN NULL ${checks.map(([failed, reason]) => `WHEN ${failed} THEN ${reason === 'NULL' ? 'NULL' : `'${reason}'`}`).join(' ')} END`;

/** The same patterns as record-typer.ts. */
const DATE_TIME = String.raw`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?`;
const UUID = String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`;

function typedField(column: ColumnPlan, v: string): TypedField {
  const type = duckdbDialect.columnType(column.kind);
  switch (column.kind) {
    case 'string':
    case 'json':
      return { value: v, reason: undefined };
    case 'decimal': {
      // Leading zeros of the integer part and trailing zeros of the places do not count against the limits.
      const t = `trim(${v})`;
      const integer = `ltrim(split_part(${t}, '.', 1), '-')`;
      const places = `split_part(${t}, '.', 2)`;
      // The common case first: one regex that accepts exactly the untrimmed values passing both
      // checks below (at most 28 significant integer digits, at most 10 places before trailing
      // zeros). The split_part/ltrim/length checks cost ~0.35 s per decimal column on 378k
      // fi_transactions (evaluated for the value and again for the reason); the regex ~0.02 s.
      const fits = String.raw`-?0*[0-9]{1,${DUCKDB_DECIMAL.width - DUCKDB_DECIMAL.scale}}(?:\.[0-9]{1,${DUCKDB_DECIMAL.scale}}0*)?`;
      const reason = when(v, [
        [`${match(v, fits)}`, 'NULL'],
        [`NOT ${match(t, String.raw`-?\d+(?:\.\d+)?`)}`, 'DESTINATION_TYPECAST_ERROR'],
        [`length(ltrim(${integer}, '0')) > ${DUCKDB_DECIMAL.width - DUCKDB_DECIMAL.scale} OR length(rtrim(${places}, '0')) > ${DUCKDB_DECIMAL.scale}`, 'DESTINATION_FIELD_SIZE_LIMITATION'],
      ]);
      return { value: `CASE WHEN ${reason} IS NULL THEN ${duckdbDialect.castFromText(t, 'decimal')} END`, reason };
    }
    case 'timestamptz':
    case 'date': {
      const typed = `TRY_CAST(${v} AS ${type})`;
      const reason = when(v, [[`NOT ${match(v, column.kind === 'date' ? String.raw`\d{4}-\d{2}-\d{2}` : DATE_TIME)} OR ${typed} IS NULL`, 'DESTINATION_TYPECAST_ERROR']]);
      return { value: `CASE WHEN ${reason} IS NULL THEN ${typed} END`, reason };
    }
    case 'bigint': {
      const typed = `TRY_CAST(${v} AS BIGINT)`;
      const reason = when(v, [
        [`NOT ${match(v, String.raw`-?\d{1,19}`)}`, 'DESTINATION_TYPECAST_ERROR'],
        [`${typed} IS NULL`, 'DESTINATION_FIELD_SIZE_LIMITATION'],
      ]);
      return { value: `CASE WHEN ${reason} IS NULL THEN ${typed} END`, reason };
    }
    case 'double':
    case 'boolean': {
      const types = column.kind === 'double' ? `('UBIGINT', 'BIGINT', 'DOUBLE')` : `('BOOLEAN')`;
      const reason = when(v, [[`json_type(${v}) NOT IN ${types}`, 'DESTINATION_TYPECAST_ERROR']]);
      return { value: `CASE WHEN ${reason} IS NULL THEN CAST(${v} AS ${type}) END`, reason };
    }
    case 'uuid': {
      const reason = when(v, [[`NOT ${match(v, UUID)}`, 'DESTINATION_TYPECAST_ERROR']]);
      return { value: `CASE WHEN ${reason} IS NULL THEN CAST(${v} AS UUID) END`, reason };
    }
  }
}

export interface IngestContext {
  syncId: number;
  generationId: number;
}

/**
 * The typed rows of the staged lines in `paths` (one read_json over them all), as the staging
 * table's columns: `_airbyte_seq`, the Airbyte columns, then the data columns. The inner query
 * reads each field once and computes every value and NULL reason; the outer one builds
 * `_airbyte_meta` (the constant text when nothing was NULLed, as the typer writes it).
 */
export function typedRowsSql(plan: TablePlan, paths: readonly string[], context: IngestContext, longestLineBytes: number): string {
  const fields = plan.columns.map((column) => `${quoteIdent(column.name)} ${fieldType(column.kind)}`).join(', ');
  const typed = plan.columns.map((column, i) => ({ column, i, ...typedField(column, `d.${quoteIdent(column.name)}`) }));
  const inner = [
    `s`,
    `e`,
    ...typed.map(({ i, value }) => `${value} AS v${i}`),
    ...typed.filter(({ reason }) => reason !== undefined).map(({ i, reason }) => `${reason!} AS r${i}`),
  ].join(', ');
  const checked = typed.filter(({ reason }) => reason !== undefined);
  const clean = quoteLiteral(JSON.stringify({ changes: [], sync_id: context.syncId }));
  const changes = checked.map(({ column, i }) => `CASE WHEN r${i} IS NOT NULL THEN {'field': ${quoteLiteral(column.name)}, 'change': 'NULLED', 'reason': r${i}} END`);
  const meta =
    checked.length === 0
      ? clean
      : `CASE WHEN ${checked.map(({ i }) => `r${i} IS NULL`).join(' AND ')} THEN ${clean} ELSE CAST(json_object('changes', to_json(list_filter([${changes.join(', ')}], x -> x IS NOT NULL)), 'sync_id', ${context.syncId}) AS VARCHAR) END`;
  const [rawId, extractedAt, airbyteMeta, generation] = AIRBYTE_COLUMNS.map((column) => quoteIdent(column.name));
  const outer = [
    `s AS ${quoteIdent(SEQ_COLUMN)}`,
    `uuid() AS ${rawId}`,
    `CAST(epoch_ms(e) AS TIMESTAMPTZ) AS ${extractedAt}`,
    `CAST(${meta} AS JSON) AS ${airbyteMeta}`,
    `${context.generationId} AS ${generation}`,
    ...typed.map(({ column, i }) => `v${i} AS ${quoteIdent(column.name)}`),
  ].join(', ');
  const files = paths.length === 1 ? quoteLiteral(paths[0]!) : `[${paths.map(quoteLiteral).join(', ')}]`;
  return (
    `SELECT ${outer} FROM (SELECT ${inner} FROM read_json(${files}, ` +
    `format = 'newline_delimited', records = true, columns = {s: 'BIGINT', e: 'BIGINT', d: ${quoteLiteral(`STRUCT(${fields})`)}}, maximum_object_size = ${maximumObjectSize(longestLineBytes)}))`
  );
}

/** `INSERT INTO` the stream's (typed) staging table the typed rows of `paths` (typedRowsSql). */
export function ingestSql(plan: TablePlan, paths: readonly string[], context: IngestContext, longestLineBytes: number): string {
  const target = stagingColumnNames(plan).map(quoteIdent).join(', ');
  return `INSERT INTO ${quoteIdent(stagingTable(plan))} (${target}) ${typedRowsSql(plan, paths, context, longestLineBytes)}`;
}

/**
 * read_json allocates buffers of about twice `maximum_object_size` whatever the file holds, so a
 * fixed 1 GiB asked a 2 GiB allocation of a DuckDB held to a few hundred MB. The file's longest
 * line (measured as it was written) sizes it instead, never below DuckDB's own default of 16 MiB.
 */
/** Lines shorter than this (less its 1 KiB margin) leave read_json's maximum_object_size at DuckDB's default. */
export const DEFAULT_MAXIMUM_OBJECT_SIZE = 16 * 2 ** 20;

function maximumObjectSize(longestLineBytes: number): number {
  return Math.max(DEFAULT_MAXIMUM_OBJECT_SIZE, longestLineBytes + 1024);
}
