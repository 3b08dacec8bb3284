import { describe, expect, it } from 'vitest';
import { classifyNetworkError } from './network-failure.js';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('classifyNetworkError', () => {
  it.each([
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'refused'],
    ['EHOSTUNREACH', 'refused'],
    ['ECONNRESET', 'reset'],
    ['ECONNABORTED', 'reset'],
    ['EPIPE', 'reset'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['EACCES', 'other'],
  ])('%s -> %s', (code, kind) => {
    expect(classifyNetworkError(withCode(code))).toBe(kind);
  });

  it("finds the code under undici's wrapping, and reads an abort as a timeout", () => {
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', cause: withCode('ECONNRESET') }) });
    expect(classifyNetworkError(fetchFailed)).toBe('reset');
    expect(classifyNetworkError(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe('refused');
    expect(classifyNetworkError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('timeout');
    expect(classifyNetworkError(new Error('no code'))).toBe('other');
  });
});
