import type { Benchmark } from '../harness/bench-context.js';
import { capacityBench } from './capacity-bench.js';
import { readThroughputBench } from './read-throughput-bench.js';

/** Every benchmark, in the order the runner takes them (read before capacity: capacity compares with read's rate). */
export const BENCHMARKS: readonly Benchmark[] = [readThroughputBench, capacityBench];
