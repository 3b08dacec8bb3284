import { loadConfig } from '../config-reader.js';
import { ConnectorError } from '../errors/connector-errors.js';
import { finproAuthHeaders, finproUrl } from '../finpro/finpro-headers.js';
import { describeNetworkError } from '../finpro/network-error.js';
import type { MessageSink } from '../protocol/message-emitter.js';
import { connectionStatusMessage } from '../protocol/message-factory.js';

/**
 * `check`: validate the config, then prove base URL and credentials with one cheap
 * authenticated call that cannot change anything: the bulk status of a reference that
 * cannot exist. 404 (BatchNotFound) means the server knew us; 401/403 means it did not.
 * Every failure is a CONNECTION_STATUS FAILED with a message the user can act on.
 */
export async function runCheck(configPath: string, sink: MessageSink): Promise<void> {
  const [status, message] = await checkConnection(configPath);
  await sink.emit(connectionStatusMessage(status, message));
}

async function checkConnection(configPath: string): Promise<[status: 'SUCCEEDED' | 'FAILED', message?: string]> {
  let config;
  try {
    config = await loadConfig(configPath);
  } catch (error) {
    if (error instanceof ConnectorError) return ['FAILED', error.message];
    throw error;
  }
  const probeReference = `source-finpro-check-${Date.now()}`;
  let response: Response;
  try {
    response = await fetch(finproUrl(config.base_url, '/bulk/status'), {
      method: 'POST',
      headers: { ...finproAuthHeaders(config.credentials), 'Content-Type': 'application/json' },
      body: JSON.stringify({ reference_id: probeReference, page: 1, limit: 1 }),
      signal: AbortSignal.timeout(Math.min(config.request_timeout_seconds, 30) * 1000),
    });
  } catch (error) {
    return ['FAILED', describeNetworkError(error, config.base_url)];
  }
  const body = await response.text();
  const errorCode = safeErrorCode(body);
  if (response.status === 401 || response.status === 403) {
    return ['FAILED', `FinPro rejected the credentials (HTTP ${response.status}${errorCode ? ` ${errorCode}` : ''}): check client_id, client_secret, app_identifier and organisation_id.`];
  }
  if (response.status === 404 || response.ok) return ['SUCCEEDED'];
  if (response.status === 429) {
    const wait = response.headers.get('retry-after');
    return ['FAILED', `FinPro is rate-limiting this client (HTTP 429), so the credentials could not be verified; try again${wait ? ` in ${wait} s` : ' later'}.`];
  }
  return ['FAILED', `FinPro answered HTTP ${response.status}${errorCode ? ` ${errorCode}` : ''} to a status probe at ${config.base_url}: is base_url the FinPro API?`];
}

function safeErrorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { errorCode?: unknown }).errorCode;
    return typeof code === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
