import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this module to the nearest package.json.
 * Source (connector/) and build (dist/connector/) sit at different depths, and the Docker
 * image runs from yet another directory, so no fixed `../..` would be right everywhere.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('source-finpro: cannot find the package root (package.json + schemas/)');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas');
export const SPEC_FILE = join(PACKAGE_ROOT, 'spec', 'spec.json');
