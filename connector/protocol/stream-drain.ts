import type { Writable } from 'node:stream';

/**
 * Resolves once everything written to `out` so far has been handed to the OS. Writes to a pipe
 * are asynchronous in Node, and `process.exit` drops what is still queued, even when `write`
 * returned true (below the high-water mark, so no 'drain' comes): a cancelled read lost its
 * closing statuses and its TRACE that way. An empty write's callback runs after every write
 * before it has completed.
 */
export function drained(out: Writable): Promise<void> {
  if (out.writableLength === 0) return Promise.resolve();
  return new Promise((resolve, reject) => out.write('', (error) => (error ? reject(error) : resolve())));
}
