import type { SandboxStats } from '../../sandbox/index.js';
import type { EntrypointOutput } from '../support/index.js';
import { deliveredData, keysByStream } from '../read/read-harness.js';

/**
 * What "nothing lost, nothing doubled" means, checked against an uninterrupted reference:
 * - every consent's final row status and error, every account and every transaction (with
 *   its amount and balance) the reference delivered is in the union of the attempts;
 * - after de-duplication by primary key there are exactly as many fi_* records as in the
 *   reference: a consent fetched under two sessions would show up as extra keys;
 * - records that share a primary key carry the same business values.
 * Returns human-readable problems (empty when all holds) and how many reference items are missing.
 */
const FI_STREAMS = ['fi_data', 'fi_accounts', 'fi_transactions'];

export interface DeliveryReport {
  problems: string[];
  lost: number;
}

export function compareDelivery(attempts: Pick<EntrypointOutput, 'recordsByStream'>[], reference: Pick<EntrypointOutput, 'recordsByStream'>): DeliveryReport {
  const problems: string[] = [];
  const got = deliveredData(attempts);
  const want = deliveredData([reference]);
  let lost = 0;
  for (const [consent, outcome] of want.outcomes) {
    const seen = got.outcomes.get(consent);
    if (seen === undefined) lost++;
    if (seen !== outcome) problems.push(`consent ${consent}: final row ${seen ?? 'missing'}, reference ${outcome}`);
  }
  for (const consent of got.outcomes.keys()) if (!want.outcomes.has(consent)) problems.push(`consent ${consent} has a final row the reference lacks`);
  for (const [what, mine, theirs] of [
    ['transactions', got.transactions, want.transactions],
    ['accounts', got.accounts, want.accounts],
  ] as const) {
    const missing = [...theirs].filter((key) => !mine.has(key));
    const extra = [...mine].filter((key) => !theirs.has(key));
    lost += missing.length;
    if (missing.length > 0) problems.push(`${missing.length} ${what} missing, e.g. ${missing.slice(0, 2).join(', ')}`);
    if (extra.length > 0) problems.push(`${extra.length} ${what} the reference lacks, e.g. ${extra.slice(0, 2).join(', ')}`);
  }
  const keys = keysByStream(attempts, FI_STREAMS);
  const referenceKeys = keysByStream([reference], FI_STREAMS);
  for (const stream of FI_STREAMS) {
    const n = keys.get(stream)!.size;
    const m = referenceKeys.get(stream)!.size;
    if (n !== m) problems.push(`${stream}: ${n} distinct primary keys after dedup, reference ${m} (a consent delivered under two sessions?)`);
  }
  problems.push(...conflictingDuplicates(attempts));
  return { problems, lost };
}

/** Two fi_transactions records with one primary key but different amounts or balances. */
function conflictingDuplicates(attempts: Pick<EntrypointOutput, 'recordsByStream'>[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const attempt of attempts) {
    for (const t of attempt.recordsByStream.get('fi_transactions') ?? []) {
      const key = `${t['session_id']}|${t['link_reference_number']}|${t['txn_id']}`;
      const value = `${t['amount']}|${t['current_balance']}|${t['transaction_timestamp']}`;
      const before = seen.get(key);
      if (before !== undefined && before !== value && problems.length < 5) problems.push(`fi_transactions ${key}: ${before} vs ${value}`);
      seen.set(key, value);
    }
  }
  return problems;
}

/**
 * Exactly-once scheduling, from the sandbox's own books: every reference created one batch,
 * and each consent was scheduled under one chunk name only (never in two syncs' batches), at
 * most once per attempt (`<ref>`, `<ref>-r1`, ...).
 */
export function schedulingProblems(stats: SandboxStats): string[] {
  const problems: string[] = [];
  for (const [ref, n] of Object.entries(stats.batches_created)) if (n !== 1) problems.push(`reference ${ref} created ${n} batches`);
  for (const [consent, { requests }] of Object.entries(stats.fi_requests)) {
    const roots = new Set<string>();
    const perAttempt = new Map<string, number>();
    for (const request of requests) {
      if (request.source !== 'bulk' || request.reference_id === null) continue;
      roots.add(request.reference_id.replace(/-r\d+$/, ''));
      perAttempt.set(request.reference_id, (perAttempt.get(request.reference_id) ?? 0) + 1);
    }
    if (roots.size > 1) problems.push(`consent ${consent} scheduled in ${roots.size} chunks: ${[...roots].join(', ')}`);
    for (const [ref, n] of perAttempt) if (n > 1) problems.push(`consent ${consent} scheduled ${n} times under ${ref}`);
  }
  return problems.slice(0, 20);
}
