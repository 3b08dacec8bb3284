import type { DestinationTarget } from './destination-url.js';
import type { LoadDestination } from './load-destination.js';

/**
 * Opens the destination `--to` names. The database drivers are imported here, on demand:
 * DuckDB's native binding alone takes ~2 s to load on a cold disk, and every other command
 * (spec, check, discover, read) would otherwise pay for it at start.
 */
export async function openDestination(target: DestinationTarget): Promise<LoadDestination> {
  switch (target.kind) {
    case 'duckdb': {
      const { DuckDbDestination } = await import('./duckdb-destination.js');
      return DuckDbDestination.open(target.path, target.memory);
    }
    case 'postgres': {
      const { PostgresDestination } = await import('./postgres-destination.js');
      return PostgresDestination.open(target);
    }
  }
}
