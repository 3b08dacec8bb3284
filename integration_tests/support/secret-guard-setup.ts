import { afterEach } from 'vitest';
import { findSecretLeaks, registeredSecrets } from './secret-scanner.js';

/**
 * vitest setup file (vitest.config.ts `setupFiles`): watches this test process's own stdout
 * and stderr, so code run in process (a CollectingSink read, `sync`, a logger) is held to the
 * same rule as the CLI subprocesses the runner scans: a registered secret written there fails
 * the test that was running.
 */
const leaks: string[] = [];
/** False only inside `checkedNotShown`: what is written is checked, then not passed on. */
let passOn = true;

function guard(stream: NodeJS.WriteStream, name: string): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text !== '' && registeredSecrets().length > 0 && findSecretLeaks({ [name]: text }).length > 0) leaks.push(name);
    if (passOn) return write(chunk, ...rest);
    const done = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (done !== undefined) queueMicrotask(done);
    return true;
  }) as typeof stream.write;
}

guard(process.stdout, 'stdout of the test process');
guard(process.stderr, 'stderr of the test process');

/**
 * Runs `write` with the guard checking this process's stdout and stderr but not passing the text
 * on: the guard's own test writes a made-up secret, which a reader of `npm test`'s output could
 * take for a real leak.
 */
export function checkedNotShown(write: () => void): void {
  passOn = false;
  try {
    write();
  } finally {
    passOn = true;
  }
}

/** Where secrets were written since the last call (and forgets them): for the guard's own test. */
export function takeGuardedLeaks(): string[] {
  return [...new Set(leaks.splice(0))];
}

afterEach(() => {
  if (leaks.length === 0) return;
  const where = takeGuardedLeaks().join(', ');
  throw new Error(`SECRET LEAK: a registered client_secret was written to the ${where}`);
});
