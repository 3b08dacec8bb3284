import type { Sandbox } from '../../../sandbox/index.js';
import { FinproClient, type FinproClientOptions } from '../finpro-client.js';
import { fiRequest, fiRequestStatus } from '../finpro-endpoints.js';

/** A FinPro client of the sandbox's URL and credentials (`url` to go through a proxy instead). */
export function sandboxClient(sandbox: Sandbox, url: string = sandbox.url, options: Omit<FinproClientOptions, 'config'> = {}): FinproClient {
  return new FinproClient({ config: { base_url: url, credentials: { ...sandbox.credentials }, request_timeout_seconds: 10, max_concurrency: 2 }, ...options });
}

/** Requests a year of FI data for `consentId` and waits until its session is DATA_READY. */
export async function readyFiSession(client: FinproClient, consentId: string): Promise<string> {
  const to = new Date(Date.now() - 60_000).toISOString();
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const sessionId = await fiRequest(client, { consentId, fiDataRangeFrom: from, fiDataRangeTo: to });
  for (let i = 0; i < 200; i++) {
    if ((await fiRequestStatus(client, sessionId)).eventStatus === 'DATA_READY') return sessionId;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`session ${sessionId} never became DATA_READY`);
}
