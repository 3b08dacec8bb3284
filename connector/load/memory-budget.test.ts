import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/connector-errors.js';
import { DEFAULT_MEMORY_BUDGET_BYTES, formatBytes, memoryBudget, parseMemoryLimit } from './memory-budget.js';

describe('memoryBudget', () => {
  it('shares the default budget between DuckDB, the staging buffers and the JS heap', () => {
    const budget = memoryBudget(DEFAULT_MEMORY_BUDGET_BYTES, 2);
    expect(budget.duckdbBytes).toBe(120e6);
    expect(budget.duckdbThreads).toBe(1);
    expect(budget.duckdbChunkChars).toBe(12e6);
    expect(budget.stagingChars).toBe(3_125_000);
    expect(budget.maxPendingRows).toBe(125_000);
    // What is fixed in it stays well inside the whole: DuckDB's pool plus every stream's staging text (6 streams, up to 2 bytes a char).
    expect(budget.duckdbBytes + 6 * 2 * budget.stagingChars).toBeLessThan(budget.totalBytes / 2 + 1);
  });

  it('grows DuckDB threads with the budget, never past the cores, and bounds the buffers both ways', () => {
    expect(memoryBudget(4e9, 2).duckdbThreads).toBe(2);
    expect(memoryBudget(4e9, 16).duckdbThreads).toBe(9);
    expect(memoryBudget(4e9, 2).stagingChars).toBe(8 * 2 ** 20);
    expect(memoryBudget(256e6, 2).stagingChars).toBe(2_000_000);
    expect(memoryBudget(256e6, 2).maxPendingRows).toBe(80_000);
  });
});

describe('parseMemoryLimit', () => {
  it('reads decimal and binary units; a bare number is MB', () => {
    expect(parseMemoryLimit('512MB')).toBe(512e6);
    expect(parseMemoryLimit('1.5GB')).toBe(1.5e9);
    expect(parseMemoryLimit('800MiB')).toBe(800 * 2 ** 20);
    expect(parseMemoryLimit(' 2 gib ')).toBe(2 * 2 ** 30);
    expect(parseMemoryLimit('300')).toBe(300e6);
  });

  it('rejects what is not a size, or too small a budget, as a config error', () => {
    expect(() => parseMemoryLimit('lots')).toThrow(ConfigError);
    expect(() => parseMemoryLimit('1TB')).toThrow(/not a size/);
    expect(() => parseMemoryLimit('-5MB')).toThrow(/not a size/);
    expect(() => parseMemoryLimit('100MB')).toThrow(/below the 256 MB/);
  });

  it('prints sizes for messages', () => {
    expect(formatBytes(400e6)).toBe('400 MB');
    expect(formatBytes(1.5e9)).toBe('1.5 GB');
  });
});
