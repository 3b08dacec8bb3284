import type { AirbyteMessage } from '../protocol/airbyte-message.js';
import { withheldLines } from '../protocol/secret-detector.js';
import { formatProgressLine, type ProgressSnapshot, type ReadCounters } from './progress-format.js';

export interface ProgressDisplayOptions {
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Redraw period on a terminal. */
  ttyIntervalMs?: number;
  /** Period of plain lines when stderr is a file or pipe (CI logs). */
  plainIntervalMs?: number;
  loaded: () => number;
  now?: () => number;
}

/**
 * Progress of a sync on stderr: a line redrawn in place on a terminal, a plain line every
 * 10 s otherwise. Log lines printed through `log` clear the bar first, so they never garble it.
 */
export class ProgressDisplay {
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly isTty: boolean;
  private readonly now: () => number;
  private readonly startedAt: number;
  private read: ReadCounters = {};
  private readonly recordsByStream = new Map<string, number>();
  private readonly estimates = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private barShown = false;

  constructor(private readonly options: ProgressDisplayOptions) {
    this.out = options.out ?? process.stderr;
    this.isTty = this.out.isTTY === true;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  start(): void {
    const period = this.isTty ? (this.options.ttyIntervalMs ?? 250) : (this.options.plainIntervalMs ?? 10_000);
    this.timer = setInterval(() => this.render(), period);
    this.timer.unref();
  }

  /** Called for every message the source emits. Cheap: counters only. */
  observe(message: AirbyteMessage): void {
    if (message.type === 'RECORD') {
      const stream = message.record.stream;
      this.recordsByStream.set(stream, (this.recordsByStream.get(stream) ?? 0) + 1);
    } else if (message.type === 'TRACE' && message.trace.type === 'ESTIMATE' && message.trace.estimate?.row_estimate !== undefined) {
      this.estimates.set(message.trace.estimate.name, message.trace.estimate.row_estimate);
    }
  }

  onCounters(counters: ReadCounters): void {
    this.read = { ...counters };
  }

  log(line: string): void {
    this.clearBar();
    this.out.write(withheldLines(line) + '\n');
    if (this.isTty) this.render();
  }

  snapshot(): ProgressSnapshot {
    let estimated: number | undefined;
    for (const value of this.estimates.values()) estimated = (estimated ?? 0) + value;
    return {
      elapsedMs: this.now() - this.startedAt,
      read: this.read,
      recordsByStream: this.recordsByStream,
      estimatedRecords: estimated,
      loaded: this.options.loaded(),
    };
  }

  private render(): void {
    const line = formatProgressLine(this.snapshot());
    if (this.isTty) {
      // A pseudo-terminal without a size reports 0 columns: assume a wide one rather than cut the line to nothing.
      const width = (this.out as { columns?: number }).columns || 160;
      this.out.write(`\r\x1b[K${line.slice(0, Math.max(20, width - 1))}`);
      this.barShown = true;
    } else {
      this.out.write(`progress: ${line}\n`);
    }
  }

  private clearBar(): void {
    if (this.barShown) {
      this.out.write('\r\x1b[K');
      this.barShown = false;
    }
  }

  /** Final line, then the terminal is left clean for the summary. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.clearBar();
    this.out.write(`done: ${formatProgressLine(this.snapshot())}\n`);
  }
}
