import { z } from 'zod';
import { loadStreamSchema } from '../streams/schema-reader.js';
import type { StreamDefinition } from '../streams/stream-definition.js';

/**
 * How a stream becomes a table, for every database we load into: one column per schema
 * property, typed from its JSON Schema, plus the four columns an Airbyte Destinations V2
 * "final table" carries. Pure: the dialects (sql-dialect.ts) only say how each kind is spelled.
 */

export const ColumnKind = z.enum(['string', 'timestamptz', 'date', 'decimal', 'bigint', 'double', 'boolean', 'json', 'uuid']);
export type ColumnKind = z.infer<typeof ColumnKind>;

export interface ColumnPlan {
  readonly name: string;
  readonly kind: ColumnKind;
}

export interface TablePlan {
  readonly stream: string;
  /** The final table; the stream name as is (our names are already lower snake_case). */
  readonly table: string;
  /** Data columns in schema order. */
  readonly columns: readonly ColumnPlan[];
  /** Top-level fields of the primary key (empty: the stream has none). */
  readonly primaryKey: readonly string[];
  /** The top-level cursor field, when the stream has one. */
  readonly cursor: string | undefined;
}

/** Destinations V2 columns, in the order Airbyte writes them, before the data columns. */
export const AIRBYTE_COLUMNS: readonly ColumnPlan[] = [
  { name: '_airbyte_raw_id', kind: 'uuid' },
  { name: '_airbyte_extracted_at', kind: 'timestamptz' },
  { name: '_airbyte_meta', kind: 'json' },
  { name: '_airbyte_generation_id', kind: 'bigint' },
];

/** Every column of the final table: Airbyte's first, then the data. */
export function finalColumns(plan: TablePlan): ColumnPlan[] {
  return [...AIRBYTE_COLUMNS, ...plan.columns];
}

const PropertySchema = z.looseObject({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  format: z.string().optional(),
  airbyte_type: z.string().optional(),
});

/** The column kind of one JSON Schema property. Anything we cannot type exactly is kept as JSON, never lost. */
export function columnKindOf(property: unknown): ColumnKind {
  const parsed = PropertySchema.safeParse(property);
  if (!parsed.success) return 'json';
  const { type, format, airbyte_type: airbyteType } = parsed.data;
  const types = (Array.isArray(type) ? type : type !== undefined ? [type] : []).filter((t) => t !== 'null');
  if (types.length !== 1) return 'json';
  switch (types[0]) {
    case 'string':
      if (format === 'date-time' || airbyteType === 'timestamp_with_timezone') return 'timestamptz';
      if (format === 'date' || airbyteType === 'date') return 'date';
      // Amounts: exact decimal strings must land in an exact DECIMAL, never a float.
      if (format === 'decimal') return 'decimal';
      return 'string';
    case 'integer':
      return 'bigint';
    case 'number':
      return airbyteType === 'integer' ? 'bigint' : 'double';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

export function tablePlanFromSchema(stream: StreamDefinition, schema: Record<string, unknown>): TablePlan {
  const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
  const columns = Object.entries(properties).map(([name, property]) => ({ name, kind: columnKindOf(property) }));
  const known = new Set(columns.map((column) => column.name));
  const topLevel = (path: readonly string[], what: string): string => {
    const field = path[0];
    if (path.length !== 1 || field === undefined || !known.has(field)) {
      throw new Error(`stream ${stream.name}: ${what} [${path.join('.')}] is not a top-level property of its schema`);
    }
    return field;
  };
  return {
    stream: stream.name,
    table: stream.name,
    columns,
    primaryKey: stream.primaryKey.map((path) => topLevel(path, 'primary key field')),
    cursor: stream.cursorField.length > 0 ? topLevel(stream.cursorField, 'cursor') : undefined,
  };
}

/** The plan of a stream from its checked-in `schemas/<stream>.json`. */
export function tablePlanFor(stream: StreamDefinition): TablePlan {
  return tablePlanFromSchema(stream, loadStreamSchema(stream.name));
}
