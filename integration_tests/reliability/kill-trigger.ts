import type { SeededRandom } from './seeded-random.js';

/**
 * When a run is killed. Three kinds, so kills land everywhere a worker can die: `time` (any
 * moment, also before the first byte or while a request is in flight and nothing is printed),
 * `lines` (somewhere in the record stream, usually between a record and its checkpoint) and
 * `state` (right after a checkpoint, before the next records).
 */
export type KillTrigger = { kind: 'time'; afterMs: number } | { kind: 'lines'; after: number } | { kind: 'state'; after: number };

export interface KillPlanShape {
  /** Longest delay of a `time` kill, after the process starts (ms). */
  maxDelayMs: number;
  /** Most stdout lines a `lines` kill waits for. */
  maxLines: number;
  /** Most STATE messages a `state` kill waits for. */
  maxStates: number;
}

/** The next kill moment, drawn from the seeded random source. */
export function nextKillTrigger(random: SeededRandom, shape: KillPlanShape): KillTrigger {
  switch (random.int(0, 2)) {
    case 0:
      return { kind: 'time', afterMs: random.int(0, shape.maxDelayMs) };
    case 1:
      return { kind: 'lines', after: random.int(1, shape.maxLines) };
    default:
      return { kind: 'state', after: random.int(1, shape.maxStates) };
  }
}

export function describeTrigger(trigger: KillTrigger): string {
  switch (trigger.kind) {
    case 'time':
      return `${trigger.afterMs} ms after start`;
    case 'lines':
      return `after ${trigger.after} stdout lines`;
    case 'state':
      return `right after STATE #${trigger.after}`;
  }
}
