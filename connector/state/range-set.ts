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
