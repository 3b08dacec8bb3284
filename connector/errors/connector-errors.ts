import type { FailureType } from '../protocol/airbyte-message.js';
import { classifyNetworkError, networkErrorCode } from './network-failure.js';

/**
 * The connector's error taxonomy (after Meltano's Fatal/Retriable/Config errors and
 * Airbyte's AirbyteTracedException). Each class fixes its Airbyte `failure_type`; the one
 * place that turns errors into protocol messages is protocol/failure-mapping.ts.
 *
 * `message` is for the user (it reaches the Airbyte UI); `internalMessage` is for us.
 * Neither may contain a secret: build them from field names and server error codes only.
 */
export abstract class ConnectorError extends Error {
  abstract readonly failureType: FailureType;
  readonly internalMessage: string | undefined;
  /** The stream the failure belongs to, when it belongs to one. */
  readonly stream: string | undefined;

  constructor(message: string, options: { internalMessage?: string; stream?: string; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.internalMessage = options.internalMessage;
    this.stream = options.stream;
  }
}

/** Something the user gave is wrong (config, catalog, state, consent list, credentials). Retrying will not help. */
export class ConfigError extends ConnectorError {
  readonly failureType = 'config_error';
}

/** The source may succeed if the sync runs again later (timeouts, 5xx, a batch still processing). */
export class TransientError extends ConnectorError {
  readonly failureType = 'transient_error';
}

/** A bug, or a server that broke its contract. */
export class SystemError extends ConnectorError {
  readonly failureType = 'system_error';
}

/**
 * How an HTTP status from FinPro maps onto the taxonomy: 401/403 are the user's credentials,
 * 408/429/5xx may pass, any other 4xx means we sent something the server will never accept.
 */
export function failureTypeOfHttpStatus(status: number): FailureType {
  if (status === 401 || status === 403) return 'config_error';
  if (status === 408 || status === 429 || status >= 500) return 'transient_error';
  return 'system_error';
}

export function errorClassFor(failureType: FailureType): new (
  message: string,
  options?: { internalMessage?: string; stream?: string; cause?: unknown },
) => ConnectorError {
  switch (failureType) {
    case 'config_error':
      return ConfigError;
    case 'transient_error':
      return TransientError;
    case 'system_error':
      return SystemError;
  }
}

/**
 * How an error of a local destination (sync/load) maps onto the taxonomy, by its SQLSTATE
 * class: a lost or refused connection (class 08, a shutdown 57P01-57P03, or a socket error
 * that carries no SQLSTATE) and a full disk or memory (class 53) may pass once the database
 * is back; bad credentials (28), a missing database (3D) or a denied permission (42501) are
 * the user's to fix; anything else is a statement of ours the database refused, a bug.
 */
export function failureTypeOfDestinationError(error: unknown): FailureType {
  // Sockets first: EPIPE has the shape of a SQLSTATE (five capitals).
  if (isSocketLost(error)) return 'transient_error';
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : undefined;
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) {
    // pg's own "Connection terminated" carries no code at all, only its message.
    const message = error instanceof Error ? error.message : '';
    return /Connection terminated|connection (is )?(closed|lost)|Client has encountered a connection error/i.test(message) ? 'transient_error' : 'system_error';
  }
  if (code.startsWith('08') || code.startsWith('53') || /^57P0[123]$/.test(code)) return 'transient_error';
  if (code.startsWith('28') || code.startsWith('3D') || code === '42501') return 'config_error';
  return 'system_error';
}

/**
 * A socket refused, reset or timed out, or a resolver failing for now (EAI_AGAIN; ENOTFOUND
 * is a name that does not exist, which waiting will not fix).
 */
function isSocketLost(error: unknown): boolean {
  const kind = classifyNetworkError(error);
  return kind === 'refused' || kind === 'reset' || kind === 'timeout' || networkErrorCode(error) === 'EAI_AGAIN';
}

/**
 * A value of FI data that is no value of its kind (an object or a word where an amount
 * belongs): the server broke its contract, and a null would hide the loss. The normalizer
 * that finds it is pure and does not know the consent; the harvester rethrows it naming
 * consent and session.
 */
export class FiValueError extends SystemError {
  constructor(
    readonly path: string,
    readonly shown: string,
    readonly expected: string,
  ) {
    super(`FI data has ${path} = ${shown}: ${expected}.`);
  }
}

/**
 * A record or a state to be written carried a configured secret (client_secret, hash_key): it was
 * not written, and the sync stops there (protocol/message-emitter.ts). Never the secret itself in
 * the message.
 */
export class SecretInOutputError extends SystemError {}
