import type { Batch } from './batch-model.js';

/** Batches by reference id and by batch id; reference ids are unique across the client's batches. */
export class BatchStore {
  private readonly byReference = new Map<string, Batch>();
  private readonly byId = new Map<string, Batch>();
  private serial = 0;

  nextSerial(): number {
    return this.serial++;
  }

  has(referenceId: string): boolean {
    return this.byReference.has(referenceId);
  }

  add(batch: Batch): void {
    this.byReference.set(batch.referenceId, batch);
    this.byId.set(batch.id, batch);
  }

  byReferenceId(referenceId: string): Batch | undefined {
    return this.byReference.get(referenceId);
  }

  byBatchId(batchId: string): Batch | undefined {
    return this.byId.get(batchId);
  }
}
