import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Schema of the loader's own table, as Kysely migrations: later changes become new entries
 * here, applied once per schema and recorded in `kysely_migration`.
 */
const migrations: Record<string, Migration> = {
  '2026_01_001_airbyte_state': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('_airbyte_state')
        .ifNotExists()
        .addColumn('stream_name', 'text', (column) => column.notNull())
        .addColumn('stream_namespace', 'text', (column) => column.notNull().defaultTo(''))
        .addColumn('state', 'jsonb', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('_airbyte_state_pk', ['stream_name', 'stream_namespace'])
        .execute();
    },
  },
};

export const stateMigrations: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
