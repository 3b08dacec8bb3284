import { describe, expect, it } from 'vitest';
import { BENCH_IDS } from './bench-types.js';
import { parseBenchOptions } from './bench-options.js';

describe('parseBenchOptions', () => {
  it('runs everything at full size and rewrites BENCHMARKS.md by default', () => {
    expect(parseBenchOptions([])).toEqual({ only: [...BENCH_IDS], quick: false, out: 'BENCHMARKS.md', runs: undefined, render: undefined });
  });

  it('keeps the canonical order of --only and writes a partial report elsewhere', () => {
    const options = parseBenchOptions(['--only', 'memory,read']);
    expect(options.only).toEqual(['read', 'memory']);
    expect(options.out).toBe('.tmp/bench/BENCHMARKS.partial.md');
  });

  it('accepts --flag=value and --quick', () => {
    expect(parseBenchOptions(['--only=load', '--quick', '--runs=2'])).toMatchObject({ only: ['load'], quick: true, runs: 2 });
  });

  it('names the unknown bench and the choices', () => {
    expect(() => parseBenchOptions(['--only', 'read,speed'])).toThrow(/unknown bench "speed"; choose from read, capacity/);
  });

  it('refuses unknown arguments and a flag without its value', () => {
    expect(() => parseBenchOptions(['--fast'])).toThrow(/unknown argument "--fast"/);
    expect(() => parseBenchOptions(['--only'])).toThrow(/--only needs a value/);
    expect(() => parseBenchOptions(['--runs', '0'])).toThrow(/--runs must be an integer/);
  });
});
