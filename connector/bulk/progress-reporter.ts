/** The counters a read exposes (the `sync` command draws its progress bar from them). */
export interface ReadProgress {
  batchesScheduled: number;
  batchesDone: number;
  /**
   * Consents, not batch rows: a retried consent has a row in each batch it went through, so
   * counting rows would put retry rows against the consents planned. A consent counts once,
   * when its data was read (ok) or it failed for good (no retry left in this sync).
   */
  consentsOk: number;
  consentsFailed: number;
  records: number;
  requests: number;
  rateLimited: number;
  consentsPlanned: number;
}

/**
 * Keeps the counters and says them out loud: `onProgress` at every change of batch or row
 * counts, and a LOG INFO line at least every `intervalMs` (the engine calls `tick` often).
 */
export class ProgressReporter {
  readonly counters: ReadProgress = {
    batchesScheduled: 0,
    batchesDone: 0,
    consentsOk: 0,
    consentsFailed: 0,
    records: 0,
    requests: 0,
    rateLimited: 0,
    consentsPlanned: 0,
  };
  private lastLogMs: number;

  constructor(
    private readonly now: () => number,
    private readonly log: (message: string) => void,
    private readonly onProgress: ((progress: ReadProgress) => void) | undefined,
    private readonly sample: () => { records: number; requests: number; rateLimited: number },
    private readonly intervalMs = 30_000,
  ) {
    this.lastLogMs = now();
  }

  update(change: Partial<Record<keyof ReadProgress, number>>): void {
    for (const [key, delta] of Object.entries(change) as [keyof ReadProgress, number][]) this.counters[key] += delta;
    this.tick();
    this.publish();
  }

  /** Logs if the interval passed; cheap enough to call after every page. */
  tick(force = false): void {
    const now = this.now();
    if (!force && now - this.lastLogMs < this.intervalMs) return;
    this.lastLogMs = now;
    const c = this.refresh();
    this.log(
      `progress: batches ${c.batchesDone}/${c.batchesScheduled} done, consents ${c.consentsOk} ok ${c.consentsFailed} failed of ${c.consentsPlanned} planned, ` +
        `${c.records} records, ${c.requests} requests, ${c.rateLimited} rate-limited (429)`,
    );
    this.publish();
  }

  publish(): void {
    if (this.onProgress) this.onProgress({ ...this.refresh() });
  }

  private refresh(): ReadProgress {
    const s = this.sample();
    this.counters.records = s.records;
    this.counters.requests = s.requests;
    this.counters.rateLimited = s.rateLimited;
    return this.counters;
  }
}
