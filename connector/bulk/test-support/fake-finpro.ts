import { FinproClient } from '../../finpro/finpro-client.js';

/**
 * An in-memory FinPro for unit tests of the watch and its backends: the bulk and single FI
 * request endpoints the engine uses, answered by a `fetch` the client is built with (no
 * sandbox, no socket). Tests move rows and sessions along by hand, and script faults per path:
 * `lose-answer` acts and then answers 503 (the ambiguous write), `503` answers without acting.
 */
export interface FakeRow {
  id: number;
  consent_id: string;
  status: string;
  session_id?: string | null;
  retry_eligible?: string | null;
  error?: { code: string; message: string } | null;
  fiDataRangeFrom?: string;
  fiDataRangeTo?: string;
}

export interface FakeBatch {
  batch_id: string;
  batch_status: string;
  rows: FakeRow[];
  /** Summary counts that disagree with the rows (a server miscounting): they replace the counted ones. */
  summary?: Partial<Record<'total' | 'ready' | 'in_progress' | 'completed' | 'failed', number>>;
}

export type Fault = 'lose-answer' | '503' | { status: number; errorCode: string };

export const FAKE_BASE_URL = 'http://127.0.0.1:9';

export class FakeFinpro {
  readonly batches = new Map<string, FakeBatch>();
  /** Sessions by consent, newest last. */
  readonly sessions = new Map<string, { sessionId: string; eventStatus: string }[]>();
  readonly calls: { path: string; body: Record<string, unknown> }[] = [];
  readonly faults = new Map<string, Fault[]>();
  /** The next this-many /bulk/status answers for a page past the first list the first page's rows instead (a lying server). */
  repeatFirstPage = 0;
  private nextId = 1;

  client(now: () => number = Date.now): FinproClient {
    return new FinproClient({
      config: { base_url: FAKE_BASE_URL, credentials: { client_id: 'c', client_secret: 's', app_identifier: 'a', organisation_id: 'o' }, request_timeout_seconds: 5, max_concurrency: 2 },
      fetch: (input, init) => this.fetch(input, init),
      now,
      sleep: async () => undefined,
      maxAttempts: 1,
    });
  }

  /** A batch FinPro already holds, its rows READY unless given. */
  addBatch(reference: string, consents: readonly string[], range = { from: '2024-01-01T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' }): FakeBatch {
    const batch: FakeBatch = {
      batch_id: `b-${this.nextId++}`,
      batch_status: 'IN_PROGRESS',
      rows: consents.map((consent_id, i) => ({ id: i + 1, consent_id, status: 'READY', fiDataRangeFrom: range.from, fiDataRangeTo: range.to })),
    };
    this.batches.set(reference, batch);
    return batch;
  }

  /** Moves a row to an end: COMPLETED gets a session, FAILED an error and eligibility. */
  end(reference: string, consent: string, status: 'COMPLETED' | 'FAILED', failure?: { code: string; eligible: string }): void {
    const row = this.batches.get(reference)!.rows.find((r) => r.consent_id === consent)!;
    row.status = status;
    if (status === 'COMPLETED') row.session_id = `sess-${consent}`;
    else {
      row.error = { code: failure?.code ?? 'AANotAvailable', message: 'scripted' };
      row.retry_eligible = failure?.eligible ?? 'Yes';
    }
  }

  private async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const path = new URL(String(input)).pathname;
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    this.calls.push({ path, body });
    const fault = this.faults.get(path)?.shift();
    if (fault === '503') return json(503, { errorCode: 'Unavailable', errorMsg: 'scripted' });
    if (typeof fault === 'object') return json(fault.status, { errorCode: fault.errorCode, errorMsg: 'scripted' });
    const answer = this.answer(path, body);
    return fault === 'lose-answer' ? json(503, { errorCode: 'Unavailable', errorMsg: 'answer lost' }) : answer;
  }

  private answer(path: string, body: Record<string, unknown>): Response {
    switch (path) {
      case '/v2/schedule/fi/requests': {
        const reference = String(body['reference_id']);
        if (this.batches.has(reference)) return json(409, { errorCode: 'DuplicateReferenceId', errorMsg: 'taken' });
        const consents = (body['consents_list'] as { consent_id: string }[]).map((c) => c.consent_id);
        const batch = this.addBatch(reference, consents);
        return json(200, { data: { reference_id: reference, batch_id: batch.batch_id, status: 'READY' } });
      }
      case '/bulk/status':
        return this.bulkStatus(body);
      case '/fi/request': {
        const consentId = String(body['consentId']);
        const sessionId = `s-${this.nextId++}`;
        this.sessions.set(consentId, [...(this.sessions.get(consentId) ?? []), { sessionId, eventStatus: 'PENDING' }]);
        return json(200, { data: { consentId, sessionId } });
      }
      case '/consent/firequest/status': {
        const all = [...this.sessions.entries()].flatMap(([consentId, list]) => list.map((s) => ({ consentId, ...s })));
        const found = typeof body['sessionId'] === 'string' ? all.find((s) => s.sessionId === body['sessionId']) : all.filter((s) => s.consentId === body['consentId']).at(-1);
        if (found === undefined) return json(404, { errorCode: 'NoFiRequest', errorMsg: 'none' });
        return json(200, { data: found });
      }
      default:
        return json(404, { errorCode: 'NotFound', errorMsg: path });
    }
  }

  private bulkStatus(body: Record<string, unknown>): Response {
    const batch = this.batches.get(String(body['reference_id']));
    if (batch === undefined) return json(404, { errorCode: 'BatchNotFound', errorMsg: 'unknown reference' });
    const statuses = (body['filters'] as { status?: string[] } | undefined)?.status;
    const rows = statuses === undefined ? batch.rows : batch.rows.filter((r) => statuses.includes(r.status));
    const page = Number(body['page'] ?? 1);
    const limit = Number(body['limit'] ?? 1000);
    const count = (status: string): number => batch.rows.filter((r) => r.status === status).length;
    const totalPages = Math.max(1, Math.ceil(rows.length / limit));
    return json(200, {
      data: {
        batch_id: batch.batch_id,
        batch_status: batch.batch_status,
        summary: { total: batch.rows.length, ready: count('READY'), in_progress: count('IN_PROGRESS'), completed: count('COMPLETED'), failed: count('FAILED'), ...batch.summary },
        metadata: { last_updated_at: '2024-06-01T00:00:00.000Z' },
        pagination: { page, limit, total: rows.length, total_pages: totalPages, has_next: page < totalPages },
        records: page > 1 && this.repeatFirstPage-- > 0 ? rows.slice(0, limit) : rows.slice((page - 1) * limit, page * limit),
      },
    });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
