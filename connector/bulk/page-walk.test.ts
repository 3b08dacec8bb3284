import { describe, expect, it } from 'vitest';
import { PageWalk, passDue } from './page-walk.js';

/** A deterministic PRNG, so the simulated servers are the same at every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

type Lister = (completed: readonly number[], page: number, limit: number) => { rows: number[]; hasNext: boolean };

/** Lists completed row ids sorted by id, as the sandbox (and likely FinPro) does. */
const stableServer: Lister = (completed, page, limit) => {
  const sorted = [...completed].sort((a, b) => a - b);
  return { rows: sorted.slice((page - 1) * limit, page * limit), hasNext: page * limit < sorted.length };
};

/** Shuffles the list at every request and repeats a row now and then: no order, rows may appear twice. */
function chaoticServer(random: () => number): Lister {
  return (completed, page, limit) => {
    const list = [...completed];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    const rows = list.slice((page - 1) * limit, page * limit);
    if (rows.length > 1 && random() < 0.3) rows[rows.length - 1] = rows[0]!;
    return { rows, hasNext: page * limit < list.length };
  };
}

/**
 * Drives the watch's paging rule against a batch whose rows complete a few at a time,
 * mostly in id order with some stragglers, as PageWalk and passDue are used by
 * BulkBatchWatch: cheap passes while it runs, one full pass once it has ended.
 */
function simulate(total: number, limit: number, perPoll: number, list: Lister, seed: number): { seen: Set<number>; pages: number } {
  const random = lcg(seed);
  const order = Array.from({ length: total }, (_, i) => i + 1);
  // Stragglers: a row finishes up to 3 polls' worth of rows late.
  for (let i = 0; i < order.length; i++) {
    const j = Math.min(order.length - 1, i + Math.floor(random() * perPoll * 3));
    if (random() < 0.1) [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const completed: number[] = [];
  const seen = new Set<number>();
  let pages = 0;
  let cheap = false;
  const pass = (full: boolean): void => {
    const walk = new PageWalk({ known: seen.size, target: completed.length, limit, maxPages: Math.ceil(total / limit) + 1, full });
    for (let page = walk.next(); page !== undefined; page = walk.next()) {
      const answer = list(completed, page, limit);
      pages++;
      for (const id of answer.rows) seen.add(id);
      walk.record(page, { rows: answer.rows.length, hasNext: answer.hasNext, seen: seen.size });
    }
    if (walk.stoppedEarly) cheap = true;
  };
  let lastPass = 0;
  for (let poll = 1; completed.length < total; poll++) {
    completed.push(...order.slice(completed.length, completed.length + perPoll));
    const ended = completed.length === total;
    if (passDue({ missing: completed.length - seen.size, pageSize: limit, ended, sinceLastPassMs: poll - lastPass, maxIntervalMs: 20 })) {
      lastPass = poll;
      pass(false);
    }
  }
  // The watch keeps passing at every poll while the ended batch's count is not met.
  for (let poll = 0; poll < 50 && seen.size < total; poll++) pass(false);
  if (cheap) pass(true);
  return { seen, pages };
}

describe('PageWalk', () => {
  it('reads the page where known rows end, then forward, then backward, stopping at the count', () => {
    const walk = new PageWalk({ known: 2500, target: 4000, limit: 1000, maxPages: 11, full: false });
    const visited: number[] = [];
    let seen = 2500;
    for (let page = walk.next(); page !== undefined; page = walk.next()) {
      visited.push(page);
      seen += page === 2 ? 200 : 500;
      walk.record(page, { rows: 1000, hasNext: page < 4, seen });
    }
    // 3 and 4 forward (3500), then backward: 2 (3700) and 1 (4200 >= 4000).
    expect(visited).toEqual([3, 4, 2, 1]);
    expect(walk.stoppedEarly).toBe(false);
  });

  it('stops as soon as the count is reached, and says it stopped early', () => {
    const walk = new PageWalk({ known: 5000, target: 5600, limit: 1000, maxPages: 11, full: false });
    expect(walk.next()).toBe(6);
    walk.record(6, { rows: 600, hasNext: false, seen: 5600 });
    expect(walk.next()).toBeUndefined();
    expect(walk.stoppedEarly).toBe(true);
  });

  it('reads every page from 1 on a full pass, and never past maxPages', () => {
    const walk = new PageWalk({ known: 5000, target: 5000, limit: 1000, maxPages: 3, full: true });
    const visited: number[] = [];
    for (let page = walk.next(); page !== undefined; page = walk.next()) {
      visited.push(page);
      walk.record(page, { rows: 1000, hasNext: true, seen: 5000 });
    }
    expect(visited).toEqual([1, 2, 3]);
  });

  it('finds every row of a stable server reading a small fraction of the pages a re-read of everything would', () => {
    const total = 10_000;
    const { seen, pages } = simulate(total, 1000, 400, stableServer, 1);
    expect(seen.size).toBe(total);
    // Re-reading every page at each of the 25 polls that saw progress: sum of ceil(400k / 1000).
    let everyPage = 0;
    for (let poll = 1; poll <= 25; poll++) everyPage += Math.ceil((400 * poll) / 1000);
    expect(everyPage).toBe(140);
    // Cheap passes (one per ~1,000 new rows, 2-4 pages each for the stragglers) plus one full pass of 10.
    expect(pages).toBeLessThan(everyPage / 3);
  });

  it('still finds every row when the server shuffles pages and repeats rows', () => {
    for (const seed of [2, 3, 4]) {
      // A shuffling server can hide a row from any one pass; the count keeps the passes going until none is missing.
      const { seen } = simulate(3000, 500, 250, chaoticServer(lcg(seed)), seed);
      expect(seen.size).toBe(3000);
    }
  });
});

describe('passDue', () => {
  const base = { missing: 10, pageSize: 1000, ended: false, sinceLastPassMs: 100, maxIntervalMs: 5000 };
  it('waits for a page of new rows, the batch end or the longest poll interval', () => {
    expect(passDue(base)).toBe(false);
    expect(passDue({ ...base, missing: 1000 })).toBe(true);
    expect(passDue({ ...base, ended: true })).toBe(true);
    expect(passDue({ ...base, sinceLastPassMs: 5000 })).toBe(true);
    expect(passDue({ ...base, missing: 0, ended: true })).toBe(false);
    expect(passDue({ ...base, missing: Infinity })).toBe(true);
  });
});
