import { Agent, request } from 'node:http';
import type { SandboxCredentials } from '../../sandbox/index.js';

/**
 * The least a FinPro client can be: keep-alive HTTP POSTs of JSON, nothing else (no retries,
 * no rate-limit governor, no validation). The baselines use it so they measure the floor any
 * connector pays, not a second connector. Loopback only: the bench never leaves 127.0.0.1.
 */
export class MinimalFinProClient {
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, credentials: SandboxCredentials, maxSockets: number) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`bench traffic stays on loopback, not ${url.hostname}`);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets });
    this.headers = {
      client_id: credentials.client_id,
      client_secret: credentials.client_secret,
      appIdentifier: credentials.app_identifier,
      organisationId: credentials.organisation_id,
      'Content-Type': 'application/json',
    };
  }

  /** POSTs JSON and returns the status and raw body (the caller decides whether to parse it). */
  post(path: string, body: unknown): Promise<{ status: number; body: Buffer }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.host, port: this.port, path, method: 'POST', agent: this.agent, headers: { ...this.headers, 'Content-Length': Buffer.byteLength(payload) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${path}: no answer in 60 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async postJson<T>(path: string, body: unknown): Promise<T> {
    const response = await this.post(path, body);
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${response.body.toString('utf8').slice(0, 300)}`);
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface CompletedSession {
  consentId: string;
  sessionId: string;
}

interface StatusPage {
  data: {
    batch_status: string;
    pagination: { has_next: boolean };
    records: Array<{ consent_id: string; status: string; session_id: string | null }>;
  };
}

/**
 * Schedules the consents in batches and waits until every batch has ended, then returns the
 * sessions of the COMPLETED rows: the setup a data fetch needs, kept out of the timed part.
 * Bounded: gives up after `timeoutMs`.
 */
export async function scheduleAndCollectSessions(
  client: MinimalFinProClient,
  input: { consentIds: string[]; batchSize: number; rangeFrom: string; rangeTo: string; prefix: string; timeoutMs: number },
): Promise<CompletedSession[]> {
  const references: string[] = [];
  for (let start = 0, n = 0; start < input.consentIds.length; start += input.batchSize, n++) {
    const reference = `${input.prefix}-${n}`;
    await client.postJson('/v2/schedule/fi/requests', {
      reference_id: reference,
      fiDataRangeFrom: input.rangeFrom,
      fiDataRangeTo: input.rangeTo,
      consents_list: input.consentIds.slice(start, start + input.batchSize).map((consent_id) => ({ consent_id })),
    });
    references.push(reference);
  }
  const deadline = Date.now() + input.timeoutMs;
  const sessions: CompletedSession[] = [];
  for (const reference of references) {
    for (;;) {
      const first = await client.postJson<StatusPage>('/bulk/status', { reference_id: reference, page: 1, limit: 1 });
      if (first.data.batch_status === 'COMPLETED' || first.data.batch_status === 'FAILED') break;
      if (Date.now() > deadline) throw new Error(`batch ${reference} still ${first.data.batch_status} after ${input.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (let page = 1; ; page++) {
      const result = await client.postJson<StatusPage>('/bulk/status', { reference_id: reference, page, limit: 1000, filters: { status: ['COMPLETED'] } });
      for (const row of result.data.records) {
        if (row.status === 'COMPLETED' && row.session_id) sessions.push({ consentId: row.consent_id, sessionId: row.session_id });
      }
      if (!result.data.pagination.has_next) break;
    }
  }
  return sessions;
}
