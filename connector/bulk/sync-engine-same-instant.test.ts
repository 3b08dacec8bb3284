import { describe, expect, it } from 'vitest';
import { configuredCatalog, sandboxConfig, StateBuilder, useSandbox } from '../../integration_tests/support/index.js';
import { parseConfig, resolveConsents } from '../config-reader.js';
import type { AirbyteMessage } from '../protocol/airbyte-message.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { parseConfiguredCatalog, parseState, type ReadInput } from '../read-input.js';
import { readSource } from '../read.js';
import { compactSyncTime } from './reference-id.js';

/**
 * Two syncs of one connection that start in the same instant of FinPro's clock, in-process,
 * against the sandbox, each with a connector clock that starts at one instant and creeps (a
 * millisecond per 100 s; one that stands still would stall the rate-limit governor's pacing).
 * FinPro's `Date` header has whole seconds, so back-to-back syncs can compute the same sync
 * time, and reference ids are named after it.
 * The second sync's time must move past the first's (batch-planner's distinctSyncTime), or
 * its batch would be named like the first's, found at FinPro with other consents, and refused.
 */

// A rate limit no sync reaches, in a one-second window: the governor spreads requests over what is left of the window, on the creeping clock.
const sandbox = useSandbox({ consents: 60, seed: 31, speed: 200, rateLimit: { limit: 1_000_000_000, windowMs: 1000 } });

/** A clock that reads `instant` when made and gains a millisecond per 100 s of real time. */
function creepingClock(instant: Date): () => Date {
  const start = Date.now();
  return () => new Date(instant.getTime() + (Date.now() - start) / 100_000);
}

async function readOnce(consentIds: string[], state: unknown[], instant: Date): Promise<AirbyteMessage[]> {
  const config = await resolveConsents(parseConfig(sandboxConfig(sandbox(), { consentIds })));
  const warnings: string[] = [];
  const input: ReadInput = { config, streams: parseConfiguredCatalog(configuredCatalog({ streams: ['bulk_batches', 'bulk_batch_rows'] })), state: parseState(state, warnings), warnings };
  const sink = new CollectingSink();
  await readSource(input, sink, { now: creepingClock(instant) });
  return sink.messages;
}

describe('two syncs in one FinPro instant', () => {
  it('the second gets a later sync time: its batch has its own reference id and every consent completes', async () => {
    const active = sandbox().consents('ACTIVE').map((consent) => consent.id);
    const first = active.slice(0, 12);
    const grown = active.slice(0, 24);
    // Earlier than FinPro's clock, so each sync's time is this instant (the earlier of the two clocks).
    const instant = new Date(Date.now() - 60_000);

    const one = await readOnce(first, [], instant);
    const states = one.flatMap((message) => (message.type === 'STATE' ? [message.state] : []));
    const two = await readOnce(grown, StateBuilder.fromEmitted(states).build(), instant);

    const batches = (messages: AirbyteMessage[]) =>
      messages.flatMap((message) => (message.type === 'RECORD' && message.record.stream === 'bulk_batches' ? [String(message.record.data['reference_id'])] : []));
    const [firstReference] = new Set(batches(one));
    const [secondReference] = new Set(batches(two));
    expect(firstReference).toBeDefined();
    expect(secondReference).toBeDefined();
    expect(secondReference).not.toBe(firstReference);
    // Each names its sync time: the second's is the first's plus a millisecond.
    expect(firstReference).toContain(compactSyncTime(instant.toISOString()));
    expect(secondReference).toContain(compactSyncTime(new Date(instant.getTime() + 1).toISOString()));

    const completed = two.flatMap((message) =>
      message.type === 'RECORD' && message.record.stream === 'bulk_batch_rows' && message.record.data['row_status'] === 'COMPLETED' ? [String(message.record.data['consent_id'])] : [],
    );
    // The first twelve from their watermark (a millisecond of range), the new twelve from the configured start.
    expect(new Set(completed)).toEqual(new Set(grown));
  });
});
