import { classifyNetworkError, networkErrorCode } from '../errors/network-failure.js';

/**
 * Turns a failed fetch into a sentence a user can act on.
 * Only codes and host names go into the text: never headers or bodies, which may hold secrets.
 */
export function describeNetworkError(error: unknown, baseUrl: string): string {
  let host = baseUrl;
  try {
    host = new URL(baseUrl).host;
  } catch {
    // keep the raw value; config validation already vouched for it
  }
  const code = networkErrorCode(error) ?? 'unknown';
  switch (classifyNetworkError(error)) {
    case 'dns':
      return `Cannot resolve the FinPro host ${host} (${code}): check base_url.`;
    case 'refused':
      return `Cannot connect to the FinPro host ${host} (${code}): check base_url and that the server is reachable from this network.`;
    case 'reset':
      return `The connection to ${host} was reset (${code}); the server or a proxy dropped it.`;
    case 'tls':
      return `TLS handshake with ${host} failed (${code}): the server's certificate is not trusted or does not match the host.`;
    case 'timeout':
      return `The FinPro host ${host} did not answer in time (${code}).`;
    case 'other':
      return `Request to ${host} failed (${code}).`;
  }
}
