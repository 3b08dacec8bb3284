/**
 * Turns a failed fetch (undici wraps the real cause) into a sentence a user can act on.
 * Only codes and host names go into the text: never headers or bodies, which may hold secrets.
 */
export type NetworkFailureKind = 'dns' | 'refused' | 'reset' | 'tls' | 'timeout' | 'other';

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ERR_OSSL)/;

export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'ABORT_ERR') return code;
    if ((current as { name?: unknown }).name === 'TimeoutError') return 'ETIMEDOUT';
    current = (current as { cause?: unknown }).cause;
  }
  if ((error as { name?: unknown })?.name === 'AbortError') return 'ETIMEDOUT';
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

export function classifyNetworkError(error: unknown): NetworkFailureKind {
  const code = networkErrorCode(error) ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'reset';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return 'timeout';
  }
  if (TLS_CODE.test(code)) return 'tls';
  return 'other';
}

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
