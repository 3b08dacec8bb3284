import { SystemError } from '../errors/connector-errors.js';

/**
 * A FinPro error envelope (`{errorCode, errorMsg, details?}`) on a 4xx the contract does not
 * make retriable. Carries the HTTP status and the server's code, never headers. It is a
 * system_error unless a caller decides it belongs to one consent (a failed row).
 */
export class FinproApiError extends SystemError {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorMsg: string | undefined,
    readonly details?: Record<string, unknown> | undefined,
  ) {
    super(`FinPro ${path} answered HTTP ${status}${errorCode ? ` ${errorCode}` : ''}${errorMsg ? `: ${errorMsg}` : ''}.`);
  }
}
