import { TransientError } from '../errors/connector-errors.js';
import { backoffDelayMs } from '../finpro/retry-backoff.js';

/**
 * Writes that FinPro must take exactly once (a batch's schedule, a consent's FI request,
 * which spends its fetch quota) and whose failure may hide a success: the answer was lost
 * after the server acted. After such a failure the write is looked up; what the server holds
 * is adopted, and only when it holds nothing is the write sent again, after a backoff. One
 * limit for every such write: past it the sync ends INCOMPLETE and the next one looks first.
 */
export const MAX_WRITE_ATTEMPTS = 8;

export interface AmbiguousWrite<T> {
  /** What is written, for the error that ends the sync ("schedule of batch X"). */
  what: string;
  write(): Promise<T>;
  /** Whether a failed write may have taken effect (a lost answer, a duplicate). Others are rethrown. */
  mayHaveTakenEffect(error: unknown): boolean;
  /** What the server holds of this write, or undefined when it holds none. */
  lookUp(): Promise<T | undefined>;
}

export async function writeOnce<T>(write: AmbiguousWrite<T>, sleep: (ms: number) => Promise<void>): Promise<{ value: T; adopted: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await write.write(), adopted: false };
    } catch (error) {
      if (!write.mayHaveTakenEffect(error)) throw error;
      const found = await write.lookUp();
      if (found !== undefined) return { value: found, adopted: true };
      if (attempt + 1 >= MAX_WRITE_ATTEMPTS) {
        throw new TransientError(`The ${write.what} failed ${MAX_WRITE_ATTEMPTS} times (${(error as Error).message}); the next sync looks it up before writing again.`, {
          cause: error,
        });
      }
      await sleep(backoffDelayMs(attempt, 500, 15_000));
    }
  }
}
