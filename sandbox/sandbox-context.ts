import { BatchStore } from './bulk/batch-store.js';
import { FiRequestService } from './fi/fi-request-service.js';
import { SessionStore } from './fi/session-store.js';
import { ConsentPopulation } from './population/consent-population.js';
import type { ResolvedSandboxOptions } from './sandbox-options.js';
import { StatsRecorder } from './stats/sandbox-stats.js';
import { DAY_MS } from './util/time-format.js';

/** Everything one sandbox instance knows, passed explicitly to routes (no singletons). */
export interface SandboxContext {
  options: ResolvedSandboxOptions;
  population: ConsentPopulation;
  sessions: SessionStore;
  fiRequests: FiRequestService;
  batches: BatchStore;
  stats: StatsRecorder;
  /** Wall clock (ms). Speed scales durations, never timestamps. */
  now(): number;
  /** A duration of the simulation at speed 1, scaled to this sandbox's speed. */
  scaled(ms: number): number;
}

export function createSandboxContext(options: ResolvedSandboxOptions, now: () => number = Date.now): SandboxContext {
  const anchorDayMs = Math.floor(now() / DAY_MS) * DAY_MS;
  const population = new ConsentPopulation(options.seed, options.consents, anchorDayMs);
  const sessions = new SessionStore(options.seed);
  return {
    options,
    population,
    sessions,
    fiRequests: new FiRequestService(population, sessions),
    batches: new BatchStore(),
    stats: new StatsRecorder(),
    now,
    scaled: (ms) => ms / options.speed,
  };
}
