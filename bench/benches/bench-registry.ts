import type { Benchmark } from '../harness/bench-context.js';
import { apiCostBench } from './api-cost-bench.js';
import { capacityBench } from './capacity-bench.js';
import { loadSpeedBench } from './load-speed-bench.js';
import { memoryBench } from './memory-bench.js';
import { rateLimitBench } from './rate-limit-bench.js';
import { readThroughputBench } from './read-throughput-bench.js';
import { syncScaleBench } from './sync-scale-bench.js';

/** Every benchmark, in the order the runner takes them (read first: capacity and api-cost reuse its runs). */
export const BENCHMARKS: readonly Benchmark[] = [readThroughputBench, capacityBench, rateLimitBench, apiCostBench, memoryBench, loadSpeedBench, syncScaleBench];
