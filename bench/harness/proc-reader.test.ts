import { describe, expect, it } from 'vitest';
import { parseProcStat, parseProcStatus, readProcCpu, readProcMemory } from './proc-reader.js';

describe('parseProcStat', () => {
  it('reads utime+stime and cutime+cstime after a command name holding spaces and parentheses', () => {
    // Fields 14-17 are 250 50 1000 200 ticks.
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 1000 200 20 0 11 0 123 456 789';
    expect(parseProcStat(line, 100)).toEqual({ selfSeconds: 3, childrenSeconds: 12 });
  });

  it('refuses a line without a command name', () => {
    expect(() => parseProcStat('garbage', 100)).toThrow(/unreadable/);
  });
});

describe('parseProcStatus', () => {
  it('reads VmHWM and VmRSS in bytes', () => {
    const text = 'Name:\tnode\nVmPeak:\t 999999 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(parseProcStatus(text)).toEqual({ peakRssBytes: 204800 * 1024, rssBytes: 102400 * 1024 });
  });
});

describe('the live /proc of this process', () => {
  it('shows CPU spent and a resident set at least as large as the heap in use', () => {
    const cpu = readProcCpu('self');
    const memory = readProcMemory(process.pid);
    expect(cpu?.selfSeconds).toBeGreaterThan(0);
    expect(memory?.peakRssBytes).toBeGreaterThanOrEqual(memory?.rssBytes ?? Infinity);
    expect(memory?.rssBytes).toBeGreaterThan(process.memoryUsage().heapUsed);
  });
});
