/**
 * Which pages of `/bulk/status` (filtered to one row status) to read, and when. Pure: no I/O,
 * no clock, so the order and the stopping rule are tested without a server.
 *
 * Re-reading every page of a batch at every poll costs O(rows x polls): with 10,000-row
 * batches most of a read went to paging rows already harvested. The cheap path instead reads
 * only where the new rows are likely to be and stops once it has found as many rows of that
 * status as the batch's summary counts:
 *
 * - a pass starts only when at least a page of rows is waiting (or the batch has ended, or
 *   the last pass is older than the longest poll interval), so each pass pays for itself;
 * - it starts at the page where the rows already known end (a server listing rows in a
 *   stable order appends newly finished rows there), reads forward to the last page, then
 *   backward from the start for rows that finished out of order;
 * - it stops as soon as the distinct rows seen reach the summary's count.
 *
 * None of that assumes the order: a server that shuffles its pages only makes the walk
 * longer (every page, as before). Because a row may show up twice or move between pages
 * while they are read, counts can mislead, so the watch still makes one full pass (every
 * page, no early stop) when the batch has ended: rare (once per batch), and the only one a
 * stable server costs beyond the cheap passes.
 */
export interface PageWalkOptions {
  /** Distinct rows of this status already seen (harvested or settled). */
  known: number;
  /** Rows of this status the summary counts: the walk stops once `seen` reaches it (unless `full`). */
  target: number;
  limit: number;
  /** Hard cap on the page number (from the batch's total rows), against a server whose `has_next` never ends. */
  maxPages: number;
  /** Read every page from 1 and never stop early. */
  full: boolean;
}

/**
 * Whether a /bulk/status page has a next one: `has_next` when the server says, else its
 * `total_pages`, else a full page.
 */
export function hasNextPage(pagination: { has_next?: boolean | null; total_pages?: number | null } | null | undefined, page: number, rows: number, limit: number): boolean {
  return pagination?.has_next ?? (pagination?.total_pages != null ? page < pagination.total_pages : rows >= limit);
}

export class PageWalk {
  private readonly start: number;
  private forward = true;
  private nextPage: number | undefined;
  private backwardNext: number;
  /** Pages read so far. */
  pagesRead = 0;
  /** True when the walk ended because it found every row, before reading every page. */
  stoppedEarly = false;

  constructor(private readonly options: PageWalkOptions) {
    const lastPage = Math.max(1, Math.ceil(options.target / options.limit));
    this.start = options.full ? 1 : Math.min(lastPage, Math.floor(options.known / options.limit) + 1, options.maxPages);
    this.nextPage = this.start;
    this.backwardNext = this.start - 1;
  }

  /** The next page to read, or undefined when the walk is over. */
  next(): number | undefined {
    return this.nextPage;
  }

  /** Reports what page `page` held: how many rows, whether the server says more follow, and how many distinct rows are seen now. */
  record(page: number, result: { rows: number; hasNext: boolean; seen: number }): void {
    this.pagesRead++;
    if (!this.options.full && result.seen >= this.options.target) {
      this.stoppedEarly = this.forward ? result.hasNext || this.start > 1 : page > 1;
      this.nextPage = undefined;
      return;
    }
    if (this.forward) {
      if (result.hasNext && result.rows > 0 && page < this.options.maxPages) {
        this.nextPage = page + 1;
        return;
      }
      this.forward = false;
    }
    this.nextPage = this.backwardNext >= 1 ? this.backwardNext-- : undefined;
  }
}

/**
 * Whether to page through the rows of one status now. `missing`: rows the summary counts
 * that are not seen yet. A pass is due when a page of them waits, when the batch has ended
 * (nothing more will come), or when the last pass is older than `maxIntervalMs` (so a slow
 * batch still delivers its data while it runs).
 */
export function passDue(args: { missing: number; pageSize: number; ended: boolean; sinceLastPassMs: number; maxIntervalMs: number }): boolean {
  if (args.missing <= 0) return false;
  return args.ended || args.missing >= args.pageSize || args.sinceLastPassMs >= args.maxIntervalMs;
}
