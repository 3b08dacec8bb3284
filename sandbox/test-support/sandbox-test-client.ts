import type { Sandbox } from '../index.js';

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export function authHeaders(sandbox: Pick<Sandbox, 'credentials'>): Record<string, string> {
  const c = sandbox.credentials;
  return {
    client_id: c.client_id,
    client_secret: c.client_secret,
    appIdentifier: c.app_identifier,
    organisationId: c.organisation_id,
    'Content-Type': 'application/json',
  };
}

/** POSTs JSON with the sandbox's credentials (override or drop headers with `headers`). */
export async function post<T = any>(
  sandbox: Pick<Sandbox, 'url' | 'credentials'>,
  path: string,
  body: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<TestResponse<T>> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...authHeaders(sandbox), ...headers })) if (v !== undefined) merged[k] = v;
  const res = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: merged,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls /bulk/status until the batch is finished (COMPLETED or FAILED). */
export async function waitForBatch(sandbox: Pick<Sandbox, 'url' | 'credentials'>, referenceId: string, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await post(sandbox, '/bulk/status', { reference_id: referenceId, limit: 1000 });
    if (res.status === 200 && ['COMPLETED', 'FAILED'].includes(res.body.data.batch_status)) return res.body.data;
    if (Date.now() > deadline) throw new Error(`batch ${referenceId} not finished: ${res.text.slice(0, 300)}`);
    await sleep(50);
  }
}
