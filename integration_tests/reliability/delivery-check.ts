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
const FI_STREAMS = ['fi_data', 'fi_accounts', 'fi_transactions', 'fi_holdings'];

export interface DeliveryReport {
  problems: string[];
  lost: number;
  /** Reference items compared: final rows, accounts and transactions. */
  compared: number;
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
  return { problems, lost, compared: want.outcomes.size + want.accounts.size + want.transactions.size };
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
 * Exactly-once scheduling, from the sandbox's own books. Every reference created one batch.
 * Within one sync window (the sync time in `<prefix>-<sync time>-<chunk>[-r<k>]`) a consent
 * belongs to one chunk and is scheduled at most once per attempt. A consent may appear in a
 * later window only when the earlier window was completed from the platform's point of view
 * (some STATE it kept carries a `base.id` equal to that sync time): a new incremental sync
 * legitimately schedules again the consents that failed in the last one.
 */
const WINDOW = /-(\d{8}T\d{9}Z)-(\d+)(?:-r\d+)?$/;

export function schedulingProblems(stats: SandboxStats, completedSyncTimes: Iterable<string> = []): string[] {
  const completed = new Set([...completedSyncTimes].map((time) => new Date(time).toISOString().replace(/[-:.]/g, '')));
  const problems: string[] = [];
  for (const [ref, n] of Object.entries(stats.batches_created)) if (n !== 1) problems.push(`reference ${ref} created ${n} batches`);
  for (const [consent, { requests }] of Object.entries(stats.fi_requests)) {
    const chunksByWindow = new Map<string, Set<string>>();
    const perReference = new Map<string, number>();
    for (const request of requests) {
      if (request.source !== 'bulk' || request.reference_id === null) continue;
      const match = WINDOW.exec(request.reference_id);
      const window = match?.[1] ?? request.reference_id;
      (chunksByWindow.get(window) ?? chunksByWindow.set(window, new Set()).get(window)!).add(match?.[2] ?? '?');
      perReference.set(request.reference_id, (perReference.get(request.reference_id) ?? 0) + 1);
    }
    const windows = [...chunksByWindow.keys()].sort();
    for (const window of windows.slice(0, -1)) {
      if (!completed.has(window)) problems.push(`consent ${consent} scheduled in sync ${window}, which never completed, and again in a later sync (${windows.join(', ')})`);
    }
    for (const [window, chunks] of chunksByWindow) if (chunks.size > 1) problems.push(`consent ${consent} in ${chunks.size} chunks of sync ${window}`);
    for (const [ref, n] of perReference) if (n > 1) problems.push(`consent ${consent} scheduled ${n} times under ${ref}`);
  }
  return problems.slice(0, 20);
}

/** The sync times whose completion some STATE announced (`base.id` of any stream's state). */
export function completedSyncTimes(states: Iterable<unknown>): Set<string> {
  const times = new Set<string>();
  for (const state of states) {
    const id = (state as { base?: { id?: unknown } | null } | null)?.base?.id;
    if (typeof id === 'string') times.add(id);
  }
  return times;
}
