import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full GC, for `read`.
 * Left alone, V8 grows it by a factor of up to 4 that nothing caps on a large machine: a
 * 100,000-consent read with ~25-40 MB live peaked at 245-309 MiB RSS, most of it garbage
 * waiting for the next GC. `--max-old-space-size` cannot be changed once the process runs,
 * and a re-exec would double start-up for spec/check; V8's growing factor can, and it is
 * read at every GC. At 1.5x V8 keeps collecting incrementally and concurrently as before,
 * only sooner. Paired runs on a shared 2-core machine: 20,000 consents, peak RSS 187 -> 127
 * MiB for 2-6% more CPU; 100,000 consents, 243-247 -> 162-172 MiB for 5-13% more CPU.
 * A forced gc() loop got the same RSS but cost 27-43% more CPU: a non-incremental GC each time.
 *
 * Not applied when the user sized or tuned the heap themselves (NODE_OPTIONS or a flag).
 */
export const HEAP_GROWING_PERCENT = 50;

const USER_HEAP_FLAGS = /--(max[-_]old[-_]space[-_]size|heap[-_]growing[-_]percent|max[-_]heap[-_]size)/;

export interface HeapGrowthOptions {
  execArgv?: readonly string[];
  nodeOptions?: string | undefined;
}

/** The V8 flag to set, or undefined when the user's own heap flags win. */
export function heapGrowthFlag(options: HeapGrowthOptions = {}): string | undefined {
  const flags = [...(options.execArgv ?? process.execArgv), options.nodeOptions ?? process.env['NODE_OPTIONS'] ?? ''].join(' ');
  if (USER_HEAP_FLAGS.test(flags)) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Applies the growing factor for the rest of the process (from the next GC on). */
export function limitHeapGrowth(options: HeapGrowthOptions = {}): void {
  const flag = heapGrowthFlag(options);
  if (flag !== undefined) setFlagsFromString(flag);
}
