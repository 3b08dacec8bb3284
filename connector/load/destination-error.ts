import { ConnectorError, errorClassFor, failureTypeOfDestinationError } from '../errors/connector-errors.js';

/**
 * A failure of the destination as one typed error naming the destination: `sync` and `load`
 * print it as one line with its failure type, never a driver's stack. Errors already typed
 * (a lock held, a source failure) pass as they are.
 */
export function destinationError(error: unknown, description: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const failureType = failureTypeOfDestinationError(error);
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const advice = failureType === 'transient_error' ? '; what was committed stays, and the next sync resumes from it' : '';
  return new (errorClassFor(failureType))(`The destination ${description} failed: ${detail}${advice}.`, { cause: error });
}
