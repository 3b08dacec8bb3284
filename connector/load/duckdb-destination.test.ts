import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { DuckDbDestination } from './duckdb-destination.js';
import { loaderCases } from './test-support/loader-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'finpro-duckdb-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loader into a DuckDB file', () => {
  loaderCases(async () => {
    const path = join(dir, `store-${++files}.duckdb`);
    return () => DuckDbDestination.open(path);
  });
});
