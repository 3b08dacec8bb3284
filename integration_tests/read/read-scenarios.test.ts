import { describe, expect, it } from 'vitest';
import { recordSchemaErrors, useSandbox } from '../support/index.js';
import { finalRows, lastStates, readAll } from './read-harness.js';

/**
 * The built CLI reads 2,500 sandbox consents of every scenario over real HTTP: every consent
 * ends in exactly one final row, every consent that can succeed has its FI data, and every
 * record matches its stream's schema.
 */
describe('read: 2,500 consents of every scenario', () => {
  const sandbox = useSandbox({ consents: 2500, speed: 50, rowsPerSecond: 5000, seed: 7, rateLimit: { limit: 100_000, windowMs: 60_000 } });

  it('settles every consent once and fetches every one that can succeed', { timeout: 120_000 }, async () => {
    const all = sandbox().consents();
    const output = await readAll(sandbox(), all.map((c) => c.id), { extra: { batch_size: 1000, max_retries: 3 } });
    expect(output.exitCode, output.stderr).toBe(0);
    expect(output.errors).toEqual([]);
    expect(recordSchemaErrors(output).slice(0, 10)).toEqual([]);

    const finals = finalRows(output);
    const notExactlyOnce = all.filter((c) => (finals.get(c.id)?.length ?? 0) !== 1).map((c) => `${c.id} (${c.scenario})`);
    expect(notExactlyOnce.slice(0, 10)).toEqual([]);

    const withData = new Set((output.recordsByStream.get('fi_data') ?? []).map((r) => r['consent_id'] as string));
    const canSucceed = all.filter((c) => (c.scenario === 'ACTIVE' || c.scenario === 'TRANSIENT') && c.accounts.some((a) => a.delivered));
    expect(canSucceed.filter((c) => !withData.has(c.id)).map((c) => `${c.id} (${c.scenario})`).slice(0, 10)).toEqual([]);

    // Final failures are visible with their code; revoked consents are never retried.
    for (const consent of all.filter((c) => c.scenario === 'REVOKED')) {
      const [row] = finals.get(consent.id)!;
      expect(row!['row_status']).toBe('FAILED');
      expect(row!['error_code']).toBe('ConsentRevoked');
      expect(row!['retry_eligible']).toBe('No');
    }
    const revoked = new Set(all.filter((c) => c.scenario === 'REVOKED').map((c) => c.id));
    const revokedRows = (output.recordsByStream.get('bulk_batch_rows') ?? []).filter((r) => revoked.has(r['consent_id'] as string));
    expect(revokedRows.length).toBe(revoked.size);

    // Every fi_* record carries consent and session; amounts are exact decimal strings.
    for (const stream of ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']) {
      for (const record of output.recordsByStream.get(stream) ?? []) {
        expect(typeof record['consent_id']).toBe('string');
        expect(typeof record['session_id']).toBe('string');
      }
    }
    // Each stream ends COMPLETE after a final STATE; the STATE counts add up to the records.
    for (const stream of ['bulk_batches', 'bulk_batch_rows', 'fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']) {
      const statuses = output.streamStatuses.filter((s) => s.stream === stream).map((s) => s.status);
      expect(statuses[0]).toBe('STARTED');
      expect(statuses.at(-1)).toBe('COMPLETE');
      const counted = output.states.filter((s) => s.stream!.stream_descriptor.name === stream).reduce((n, s) => n + (s.sourceStats?.recordCount ?? 0), 0);
      expect(counted).toBe(output.recordsByStream.get(stream)?.length ?? 0);
    }
    // ESTIMATE: bulk streams at plan time; fi_* streams once rows have settled, the last one near the real count.
    const estimates = new Map<string, number[]>();
    for (const t of output.traces) {
      if (t.type !== 'ESTIMATE' || t.estimate === undefined) continue;
      estimates.set(t.estimate.name, [...(estimates.get(t.estimate.name) ?? []), t.estimate.row_estimate ?? -1]);
    }
    expect(estimates.get('bulk_batch_rows')).toEqual([2500]);
    for (const stream of ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings']) {
      const actual = output.recordsByStream.get(stream)!.length;
      const last = estimates.get(stream)?.at(-1);
      expect(last, stream).toBeDefined();
      expect(Math.abs(last! - actual) / actual, `${stream}: estimated ${last}, read ${actual}`).toBeLessThan(0.25);
    }
    // State stays compact: it lists lagging consents, not every consent fetched.
    const stateBytes = JSON.stringify(lastStates(output)[0]).length;
    expect(stateBytes).toBeLessThan(60_000);
    const stats = sandbox().stats();
    expect(Object.values(stats.schedule_calls).every((n) => n === 1)).toBe(true);
  });
});
