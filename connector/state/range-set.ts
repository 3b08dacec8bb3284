/**
 * Sets of non-negative integers (row ids, chunk indices) as `"1-500,502,504-510"`, so the
 * state of a 10,000-row batch whose rows finish mostly in order stays a few bytes.
 */
export function encodeRanges(values: Iterable<number>): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i]!;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1]! <= end + 1) end = Math.max(end, sorted[++i]!);
    parts.push(start === end ? String(start) : `${start}-${end}`);
    i++;
  }
  return parts.join(',');
}

/** Throws on malformed text (the caller names the state field). */
export function decodeRanges(text: string): Set<number> {
  const set = new Set<number>();
  if (text === '') return set;
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`"${part}" is not a number or a range a-b`);
    const start = Number(match[1]);
    const end = match[2] !== undefined ? Number(match[2]) : start;
    if (end < start || end - start > 1_000_000) throw new Error(`"${part}" is not a valid range`);
    for (let n = start; n <= end; n++) set.add(n);
  }
  return set;
}

export const RANGES_PATTERN = /^(\d+(-\d+)?(,\d+(-\d+)?)*)?$/;

/**
 * `text` with `values` added, without expanding the ranges into a set: a sync's failed
 * consents (thousands of scattered positions) are merged at every checkpoint, and expanding
 * them each time cost O(failures) allocations per stream per page of rows.
 */
export function addToRanges(text: string, values: readonly number[]): string {
  if (values.length === 0) return text;
  const added = [...values].sort((a, b) => a - b);
  const merged: [number, number][] = [];
  const push = (start: number, end: number) => {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  };
  const parts = text === '' ? [] : text.split(',');
  let a = 0;
  let previousStart = -1;
  for (const part of parts) {
    const dash = part.indexOf('-');
    const start = Number(dash < 0 ? part : part.slice(0, dash));
    const end = dash < 0 ? start : Number(part.slice(dash + 1));
    // Ours are always sorted; a state edited by hand may not be: take the slow, order-free way.
    if (start < previousStart) return encodeRanges([...decodeRanges(text), ...values]);
    previousStart = start;
    while (a < added.length && added[a]! < start) push(added[a]!, added[a++]!);
    push(start, end);
  }
  while (a < added.length) push(added[a]!, added[a++]!);
  return merged.map(([start, end]) => (start === end ? String(start) : `${start}-${end}`)).join(',');
}
