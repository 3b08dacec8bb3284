/**
 * The wait before the next status poll of a batch: the vendor's advice (start at 5 s, double)
 * capped by config, and back to the initial interval whenever rows finished since the last
 * poll, so a batch that is moving is followed closely and an idle one costs few requests.
 */
export function nextPollIntervalMs(currentMs: number, progressed: boolean, initialMs: number, maxMs: number): number {
  if (progressed) return initialMs;
  return Math.min(maxMs, Math.max(initialMs, currentMs * 2));
}
