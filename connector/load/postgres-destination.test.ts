import { afterAll, describe } from 'vitest';
import { parseDestinationTarget } from './destination-url.js';
import { PostgresDestination } from './postgres-destination.js';
import { loaderCases } from './test-support/loader-cases.js';
import { dropSchemas, PG_URL, postgresAvailable, uniqueSchema } from './test-support/postgres-test-db.js';

const available = await postgresAvailable();
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.skipIf(!available)('loader into Postgres', () => {
  loaderCases(async () => {
    const schema = uniqueSchema('finpro_load');
    schemas.push(schema);
    const target = parseDestinationTarget(`${PG_URL}?schema=${schema}`);
    if (target.kind !== 'postgres') throw new Error('expected a Postgres target');
    return () => PostgresDestination.open(target);
  });
});
