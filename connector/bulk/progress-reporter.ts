/** The counters a read exposes (the `sync` command draws its progress bar from them). */
export interface ReadProgress {
  batchesScheduled: number;
  batchesDone: number;
  rowsCompleted: number;
  rowsFailed: number;
  records: number;
  requests: number;
  rateLimited: number;
  rowsTotal: number;
}

/**
 * Keeps the counters and says them out loud: `onProgress` at every change of batch or row
 * counts, and a LOG INFO line at least every `intervalMs` (the engine calls `tick` often).
 */
export class ProgressReporter {
  readonly counters: ReadProgress = {
    batchesScheduled: 0,
    batchesDone: 0,
    rowsCompleted: 0,
    rowsFailed: 0,
    records: 0,
    requests: 0,
    rateLimited: 0,
    rowsTotal: 0,
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
      `progress: batches ${c.batchesDone}/${c.batchesScheduled} done, rows ${c.rowsCompleted} completed ${c.rowsFailed} failed of ${c.rowsTotal}, ` +
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
