import type { DestinationTarget } from './destination-url.js';
import { DuckDbDestination } from './duckdb-destination.js';
import type { LoadDestination } from './load-destination.js';
import { PostgresDestination } from './postgres-destination.js';

export async function openDestination(target: DestinationTarget): Promise<LoadDestination> {
  switch (target.kind) {
    case 'duckdb':
      return DuckDbDestination.open(target.path);
    case 'postgres':
      return PostgresDestination.open(target);
  }
}
