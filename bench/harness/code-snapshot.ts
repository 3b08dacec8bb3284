import { cp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private copy of the build the bench measures. Others rebuild dist/ while a long run is
 * under way (a shared tree); every child the bench spawns runs from this copy, so one run
 * measures one build. package.json (ESM) and schemas/ come along because the connector finds
 * its package root by them; node_modules is found by walking up to the repository's.
 */
export async function snapshotBuild(root: string, dest: string): Promise<string> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  for (const entry of ['package.json', 'dist', 'schemas', 'spec']) {
    const source = join(root, entry);
    if (existsSync(source)) await cp(source, join(dest, entry), { recursive: true });
  }
  if (!existsSync(join(dest, 'dist', 'connector', 'main.js'))) throw new Error('no build to measure: run `npm run build` first');
  return dest;
}
