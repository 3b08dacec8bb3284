import type { MessageSink } from '../protocol/message-emitter.js';
import { estimateMessage } from '../protocol/message-factory.js';
import type { StreamName } from '../streams/stream-registry.js';
import { estimateChanged, fiEstimate, type FiEstimate, type FiEstimateInput } from './fi-estimate.js';

const FI_STREAMS = ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings'] as const;

/**
 * ESTIMATE traces of a read, for the selected streams only, each awaited on the read's one
 * way out: the batch streams' counts when a sync is planned, the fi_* streams' once settled
 * rows say how much data a row brings (again whenever that moves by more than 10%).
 */
export class EstimateReporter {
  private lastFi: FiEstimate | undefined;

  constructor(
    private readonly out: MessageSink,
    private readonly isSelected: (stream: StreamName) => boolean,
    /** What has been read and settled so far. */
    private readonly fiInput: () => FiEstimateInput,
  ) {}

  async planned(stream: 'bulk_batch_rows' | 'bulk_batches', rows: number): Promise<void> {
    if (!this.isSelected(stream)) return;
    const p = this.out.emit(estimateMessage(stream, rows));
    if (p) await p;
  }

  async fi(): Promise<void> {
    const next = fiEstimate(this.fiInput());
    if (next === undefined || !estimateChanged(this.lastFi, next)) return;
    this.lastFi = next;
    for (const stream of FI_STREAMS) {
      if (!this.isSelected(stream)) continue;
      const p = this.out.emit(estimateMessage(stream, next[stream]));
      if (p) await p;
    }
  }
}
