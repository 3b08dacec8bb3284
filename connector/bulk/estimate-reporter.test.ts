import { describe, expect, it } from 'vitest';
import { CollectingSink } from '../protocol/message-emitter.js';
import type { StreamName } from '../streams/stream-registry.js';
import { EstimateReporter } from './estimate-reporter.js';
import type { FiEstimateInput } from './fi-estimate.js';

function estimates(sink: CollectingSink): [string, number][] {
  return sink.messages.flatMap((m) => (m.type === 'TRACE' && m.trace.estimate ? [[m.trace.estimate.name, m.trace.estimate.row_estimate!] as [string, number]] : []));
}

describe('EstimateReporter', () => {
  it('estimates only selected streams, and fi_* ones again only when a figure moves by more than 10%', async () => {
    const sink = new CollectingSink();
    const selected = new Set<StreamName>(['bulk_batches', 'fi_transactions']);
    let input: FiEstimateInput = { accounts: 10, transactions: 100, holdings: 0, settledConsents: 5, consentsPlanned: 100 };
    const reporter = new EstimateReporter(sink, (s) => selected.has(s), () => input);
    await reporter.planned('bulk_batch_rows', 100);
    await reporter.planned('bulk_batches', 4);
    await reporter.fi();
    input = { ...input, settledConsents: 20 };
    await reporter.fi();
    input = { ...input, accounts: 40, transactions: 420, settledConsents: 80 };
    await reporter.fi();
    input = { ...input, accounts: 50, transactions: 800, settledConsents: 100 };
    await reporter.fi();
    expect(estimates(sink)).toEqual([
      ['bulk_batches', 4],
      ['fi_transactions', 500],
      ['fi_transactions', 800],
    ]);
  });
});
