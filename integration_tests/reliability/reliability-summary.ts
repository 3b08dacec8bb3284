import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/repo-paths.js';

/**
 * The counts a reliability run proves things with. Each test file adds to its own part file
 * (vitest runs files in separate workers), and the vitest global teardown
 * (summary-global-setup.ts) merges the parts, prints the summary to stderr and writes
 * `.tmp/reliability-summary.json`.
 */
export interface ReliabilityCounts {
  read_kills_survived: number;
  sync_kills_survived: number;
  faults_injected: number;
  faults_by_kind: Record<string, number>;
  rate_limited_429: number;
  bad_server_inputs_tried: number;
  bad_server_inputs_rejected: number;
  bad_server_inputs_tolerated: number;
  runs_scanned_for_secrets: number;
  records_compared: number;
  records_lost: number;
  /** Records missing in cases marked as known bugs (it.fails), kept apart from records_lost. */
  records_lost_known_bugs: number;
  /** Operator cases (operator-cases.test.ts, the table of issue 11) run, and those that behaved as expected. */
  operator_cases_tried: number;
  operator_cases_met: number;
}

export const PARTS_DIR = join(REPO_ROOT, '.tmp', 'reliability-parts');
export const SUMMARY_FILE = join(REPO_ROOT, '.tmp', 'reliability-summary.json');

export function emptyCounts(): ReliabilityCounts {
  return {
    read_kills_survived: 0,
    sync_kills_survived: 0,
    faults_injected: 0,
    faults_by_kind: {},
    rate_limited_429: 0,
    bad_server_inputs_tried: 0,
    bad_server_inputs_rejected: 0,
    bad_server_inputs_tolerated: 0,
    runs_scanned_for_secrets: 0,
    records_compared: 0,
    records_lost: 0,
    records_lost_known_bugs: 0,
    operator_cases_tried: 0,
    operator_cases_met: 0,
  };
}

export function addCounts(into: ReliabilityCounts, more: Partial<ReliabilityCounts>): ReliabilityCounts {
  for (const [key, value] of Object.entries(more) as [keyof ReliabilityCounts, unknown][]) {
    if (key === 'faults_by_kind') {
      for (const [kind, n] of Object.entries(value as Record<string, number>)) into.faults_by_kind[kind] = (into.faults_by_kind[kind] ?? 0) + n;
    } else {
      (into[key] as number) += value as number;
    }
  }
  return into;
}

/** A test file's counter: `add()` as things happen; every call rewrites the file's part. */
export function reliabilityCounter(file: string): { add(more: Partial<ReliabilityCounts>): void; counts: ReliabilityCounts } {
  const counts = emptyCounts();
  return {
    counts,
    add(more) {
      addCounts(counts, more);
      mkdirSync(PARTS_DIR, { recursive: true });
      writeFileSync(join(PARTS_DIR, `${file}.json`), JSON.stringify(counts));
    },
  };
}

export function clearParts(): void {
  rmSync(PARTS_DIR, { recursive: true, force: true });
}

/** Merges every part written in this run; undefined when no reliability test ran. */
export function mergeParts(): { counts: ReliabilityCounts; files: string[] } | undefined {
  let names: string[];
  try {
    names = readdirSync(PARTS_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const counts = emptyCounts();
  for (const name of names) addCounts(counts, JSON.parse(readFileSync(join(PARTS_DIR, name), 'utf8')) as ReliabilityCounts);
  return { counts, files: names.map((name) => name.replace(/\.json$/, '')) };
}

export function formatSummary(counts: ReliabilityCounts, soak: boolean): string {
  const kinds = Object.entries(counts.faults_by_kind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return [
    `reliability summary (${soak ? 'SOAK=1 full counts' : 'CI sample; npm run test:soak for the full counts'}):`,
    `  kills survived: ${counts.read_kills_survived + counts.sync_kills_survived} (read ${counts.read_kills_survived}, sync ${counts.sync_kills_survived})`,
    `  faults injected (sandbox stats): ${counts.faults_injected}${kinds ? ` (${kinds})` : ''}; 429s served: ${counts.rate_limited_429}`,
    `  bad server inputs tried: ${counts.bad_server_inputs_tried} (rejected with a TRACE ERROR ${counts.bad_server_inputs_rejected}, tolerated ${counts.bad_server_inputs_tolerated})`,
    `  runs scanned for the client_secret: ${counts.runs_scanned_for_secrets}`,
    `  operator cases behaving as expected: ${counts.operator_cases_met} of ${counts.operator_cases_tried} run`,
    `  records lost: ${counts.records_lost} (of ${counts.records_compared} reference items compared)` +
      (counts.records_lost_known_bugs > 0 ? `; in known-bug cases (it.fails): ${counts.records_lost_known_bugs}` : ''),
  ].join('\n');
}

export function writeSummary(counts: ReliabilityCounts, files: string[], soak: boolean): void {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  writeFileSync(SUMMARY_FILE, JSON.stringify({ soak, files, ...counts }, null, 2) + '\n');
}
