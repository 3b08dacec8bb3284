import type { SyncPlan } from './batch-planner.js';

/**
 * Where consents sit in a sync's plan (chunk x batch size + index in the chunk), the form in
 * which SyncProgress.failed_at records final failures. No plan (a sync resumed without it:
 * its base cannot advance, so its failures are not needed) gives no positions; nor does a
 * consent the plan does not hold.
 */
export class PlanPositions {
  /** Consent id -> index within a chunk, built on demand for the chunks with failures (a few batches run at once). */
  private readonly chunkIndexes = new Map<number, Map<string, number>>();

  constructor(private readonly plan: SyncPlan | null) {}

  of(chunk: number, consentIds: Iterable<string>): number[] {
    const plan = this.plan;
    const planned = plan?.chunks[chunk];
    if (plan === null || planned === undefined) return [];
    let index = this.chunkIndexes.get(chunk);
    if (index === undefined) {
      index = new Map(planned.consents.map((c, i) => [c.consentId, i]));
      this.chunkIndexes.set(chunk, index);
    }
    const positions: number[] = [];
    for (const id of consentIds) {
      const i = index.get(id);
      if (i !== undefined) positions.push(chunk * plan.batchSize + i);
      else {
        // A consent FinPro reports in a batch it was not planned in (a server out of contract): find it anywhere in the plan.
        for (const other of plan.chunks) {
          const at = other.consents.findIndex((p) => p.consentId === id);
          if (at >= 0) {
            positions.push(other.index * plan.batchSize + at);
            break;
          }
        }
      }
    }
    return positions;
  }

  /** The chunk has no batch left: its index is not needed again. */
  forget(chunk: number): void {
    this.chunkIndexes.delete(chunk);
  }
}
