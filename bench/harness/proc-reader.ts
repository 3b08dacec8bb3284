import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Linux /proc readers: CPU and memory of child processes without /usr/bin/time, so the bench
 * runs on a fresh machine. `process.resourceUsage()` only covers this process.
 */

let clockTicks: number | undefined;
/** USER_HZ: the unit of the CPU times in /proc/<pid>/stat (100 on every mainstream kernel). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcCpuTimes {
  /** utime + stime of the process itself, seconds. */
  selfSeconds: number;
  /** cutime + cstime: CPU of children this process has waited for, seconds. */
  childrenSeconds: number;
}

/** Parses the text of /proc/<pid>/stat. The command name may contain spaces and ')', so split after the last ')'. */
export function parseProcStat(text: string, ticksPerSecond: number): ProcCpuTimes {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('unreadable /proc stat line');
  // Fields after the name start at field 3 (state); utime is field 14, so index 11 here.
  const fields = text.slice(close + 2).trim().split(/\s+/);
  const tick = (index: number) => Number.parseInt(fields[index] ?? '0', 10) / ticksPerSecond;
  return { selfSeconds: tick(11) + tick(12), childrenSeconds: tick(13) + tick(14) };
}

export function readProcCpu(pid: number | 'self'): ProcCpuTimes | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicksPerSecond());
  } catch {
    return undefined;
  }
}

export interface ProcMemory {
  /** VmHWM: peak resident set size so far, bytes. */
  peakRssBytes: number;
  /** VmRSS: resident set size now, bytes. */
  rssBytes: number;
}

/** Parses /proc/<pid>/status (kB figures). */
export function parseProcStatus(text: string): ProcMemory {
  const kb = (key: string) => {
    const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number.parseInt(match[1]!, 10) * 1024 : 0;
  };
  return { peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
}

export function readProcMemory(pid: number): ProcMemory | undefined {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when /proc exposes what these readers need (Linux). */
export function procAvailable(): boolean {
  return readProcCpu('self') !== undefined;
}
