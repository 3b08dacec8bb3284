/**
 * How hard the reliability tests push. `npm test` runs a small seeded sample that fits the CI
 * budget (2 cores, the whole suite within ~8 minutes); `npm run test:soak` (SOAK=1) runs the
 * full counts. Seeds are fixed so a failure replays; SOAK_SEED shifts every seed at once to
 * explore new moments.
 */
export const SOAK = process.env['SOAK'] === '1';

/** The default-run value, or the soak value under SOAK=1. */
export function soakOr<T>(ci: T, soak: T): T {
  return SOAK ? soak : ci;
}

/** A base seed for this run: fixed by default, shifted by SOAK_SEED. */
export function baseSeed(fixed: number): number {
  const shift = Number(process.env['SOAK_SEED'] ?? 0);
  return Number.isFinite(shift) ? fixed + shift : fixed;
}
