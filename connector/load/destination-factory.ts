import type { DestinationTarget } from './destination-url.js';
import type { LoadDestination } from './load-destination.js';
import { DUCKDB_ALLOCATOR_CONF } from './memory-budget.js';

/**
 * Opens the destination `--to` names. The database drivers are imported here, on demand:
 * DuckDB's native binding alone takes ~2 s to load on a cold disk, and every other command
 * (spec, check, discover, read) would otherwise pay for it at start.
 */
export async function openDestination(target: DestinationTarget): Promise<LoadDestination> {
  switch (target.kind) {
    case 'duckdb': {
      // Read by DuckDB's allocator when the binding loads: before the import, and a user's own setting wins.
      process.env['DUCKDB_JE_MALLOC_CONF'] ??= DUCKDB_ALLOCATOR_CONF;
      const { DuckDbDestination } = await import('./duckdb-destination.js');
      return DuckDbDestination.open(target.path, target.memory);
    }
    case 'postgres': {
      const { PostgresDestination } = await import('./postgres-destination.js');
      return PostgresDestination.open(target);
    }
  }
}
