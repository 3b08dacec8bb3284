/**
 * What the sandbox saw, for tests and benchmarks to assert on (e.g. "no consent was
 * scheduled twice", "every faulted schedule took effect at most once").
 */
export interface FaultEvent {
  seq: number;
  at: string;
  route: string;
  kind: FaultKind;
  status: number | null;
  took_effect: boolean;
  reference_id: string | null;
}
export type FaultKind = 'http_error' | 'connection_reset' | 'latency' | 'throttle_429';

export interface FiRequestRecord {
  source: 'bulk' | 'single';
  reference_id: string | null;
  fiDataRangeFrom: string | null;
  fiDataRangeTo: string | null;
  session_id: string | null;
  outcome: string;
}

/** What /getallfidata served of one FI type. */
export interface ServedCounts {
  accounts: number;
  transactions: number;
  holdings: number;
}

/** One session's latest /getallfidata answer (a re-read of the same range serves the same). */
export interface SessionServed extends ServedCounts {
  consent_id: string;
  requests: number;
  by_fi_type: Record<string, ServedCounts>;
}

export interface SandboxStats {
  started_at: string;
  since: string;
  requests: { total: number; by_route: Record<string, Record<string, number>> };
  rate_limited: number;
  faults: {
    total: number;
    took_effect: number;
    not_took_effect: number;
    by_kind: Record<string, number>;
    /** The most recent events (at most 10,000). */
    events: FaultEvent[];
  };
  schedule_calls: Record<string, number>;
  batches_created: Record<string, number>;
  fi_requests: Record<string, { count: number; requests: FiRequestRecord[] }>;
  sessions_created: number;
  getallfidata: {
    requests: number;
    /** Totals over every answer (a session read twice counts twice). */
    accounts: number;
    transactions: number;
    holdings: number;
    by_fi_type: Record<string, ServedCounts>;
    /** Per session, its latest answer: what an end-to-end test expects the connector to emit. */
    sessions: Record<string, SessionServed>;
  };
}

const MAX_EVENTS = 10_000;

function zero(): ServedCounts {
  return { accounts: 0, transactions: 0, holdings: 0 };
}

export class StatsRecorder {
  private readonly startedAt = new Date().toISOString();
  private data: SandboxStats = this.empty();

  private empty(): SandboxStats {
    return {
      started_at: this.startedAt ?? new Date().toISOString(),
      since: new Date().toISOString(),
      requests: { total: 0, by_route: {} },
      rate_limited: 0,
      faults: { total: 0, took_effect: 0, not_took_effect: 0, by_kind: {}, events: [] },
      schedule_calls: {},
      batches_created: {},
      fi_requests: {},
      sessions_created: 0,
      getallfidata: { requests: 0, accounts: 0, transactions: 0, holdings: 0, by_fi_type: {}, sessions: {} },
    };
  }

  reset(): void {
    this.data = this.empty();
  }

  request(route: string, status: number | 'reset'): void {
    this.data.requests.total++;
    const byStatus = (this.data.requests.by_route[route] ??= {});
    const key = String(status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }

  rateLimited(): void {
    this.data.rate_limited++;
  }

  fault(event: FaultEvent): void {
    const f = this.data.faults;
    f.total++;
    if (event.took_effect) f.took_effect++;
    else f.not_took_effect++;
    f.by_kind[event.kind] = (f.by_kind[event.kind] ?? 0) + 1;
    f.events.push(event);
    if (f.events.length > MAX_EVENTS) f.events.splice(0, f.events.length - MAX_EVENTS);
  }

  scheduleCall(referenceId: string): void {
    this.data.schedule_calls[referenceId] = (this.data.schedule_calls[referenceId] ?? 0) + 1;
  }

  batchCreated(referenceId: string): void {
    this.data.batches_created[referenceId] = (this.data.batches_created[referenceId] ?? 0) + 1;
  }

  fiRequest(consentId: string, record: FiRequestRecord): void {
    const entry = (this.data.fi_requests[consentId] ??= { count: 0, requests: [] });
    entry.count++;
    entry.requests.push(record);
  }

  sessionCreated(): void {
    this.data.sessions_created++;
  }

  /** One /getallfidata answer: its accounts as (fiType, transactions, holdings). */
  getAllFiData(consentId: string, sessionId: string, accounts: ReadonlyArray<{ fiType: string; transactions: number; holdings: number }>): void {
    const g = this.data.getallfidata;
    g.requests++;
    const previous = g.sessions[sessionId];
    const session: SessionServed = { consent_id: consentId, requests: (previous?.requests ?? 0) + 1, accounts: 0, transactions: 0, holdings: 0, by_fi_type: {} };
    for (const a of accounts) {
      for (const counts of [g, session, (g.by_fi_type[a.fiType] ??= zero()), (session.by_fi_type[a.fiType] ??= zero())]) {
        counts.accounts++;
        counts.transactions += a.transactions;
        counts.holdings += a.holdings;
      }
    }
    g.sessions[sessionId] = session;
  }

  /** A deep copy, so callers can keep it while the sandbox moves on. */
  snapshot(): SandboxStats {
    return structuredClone(this.data);
  }
}
