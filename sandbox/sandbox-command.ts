import { InvalidArgumentError, Option, type Command } from 'commander';
import { startSandbox, type Sandbox } from './index.js';
import { FAULT_MODES, FI_SHAPES, SANDBOX_DEFAULTS, type FaultMode, type FiShape, type RateLimitOptions } from './sandbox-options.js';

/** What the command touches outside itself, injectable so tests run it in-process. */
export interface SandboxCommandIo {
  stdout: { write(line: string): unknown };
  /** Where SIGINT/SIGTERM arrive (process by default). */
  signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown; off?(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
  /** Called with the running sandbox (tests use it to stop the command). */
  onStarted?: (sandbox: Sandbox) => void;
}

function intIn(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    }
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1000/60s", "50/1s", "10/500ms", "1000/1m", or just "1000" (per 60 s). */
export function parseRateLimit(value: string): RateLimitOptions {
  const match = /^\s*(\d+)\s*(?:\/\s*(\d+)?\s*(ms|s|m|h))?\s*$/.exec(value);
  const limit = Number(match?.[1]);
  const windowMs = match?.[3] ? Number(match[2] ?? 1) * (UNIT_MS[match[3]] ?? 0) : 60_000;
  if (!match || !Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new InvalidArgumentError('expected <requests>/<window>, e.g. 1000/60s, 50/1s, 10/500ms, 1000/1m.');
  }
  return { limit, windowMs };
}

/**
 * `source-finpro sandbox`: runs a FinPro sandbox until SIGINT/SIGTERM. Prints one JSON line
 * ({url, credentials}) on stdout when listening, so scripts can read where it is.
 */
export function registerSandboxCommand(program: Command, io?: Partial<SandboxCommandIo>): void {
  const d = SANDBOX_DEFAULTS;
  program
    .command('sandbox')
    .description('Run a local FinPro sandbox (seeded consents, bulk processing, faults) for demos and tests')
    .option('--port <port>', 'port to listen on (0 picks a free one)', intIn('--port', 0, 65_535), 8080)
    .option('--host <host>', 'interface to bind', d.host)
    .option('--seed <seed>', 'seed of the consent population and faults', intIn('--seed', 0, 2 ** 32 - 1), d.seed)
    .option('--consents <n>', 'number of seeded consents', intIn('--consents', 0, 10_000_000), d.consents)
    .addOption(new Option('--faults <mode>', 'fault injection').choices(FAULT_MODES as string[]).default(d.faults))
    .option('--rate-limit <limit/window>', 'rate limit per client, e.g. 1000/60s', parseRateLimit, d.rateLimit)
    .option('--speed <factor>', 'divides simulated processing time', positiveNumber, d.speed)
    .option('--rows-per-second <n>', 'bulk rows picked up per second per batch at speed 1', positiveNumber, d.rowsPerSecond)
    .option('--data-life <ms>', 'how long fetched data stays readable (ms)', positiveNumber, d.dataLifeMs)
    .addOption(new Option('--fi-shape <shape>', 'how FI data is spelled: finpro (capitalised ReBIT names), lower, mixed (every variant, by FIP)').choices(FI_SHAPES as readonly string[] as string[]).default(d.fiShape))
    .action(async (opts: {
      port: number;
      host: string;
      seed: number;
      consents: number;
      faults: FaultMode;
      rateLimit: RateLimitOptions;
      speed: number;
      rowsPerSecond: number;
      dataLife: number;
      fiShape: FiShape;
    }) => {
      const stdout = io?.stdout ?? process.stdout;
      const signals = io?.signals ?? process;
      const sandbox = await startSandbox({
        port: opts.port,
        host: opts.host,
        seed: opts.seed,
        consents: opts.consents,
        faults: opts.faults,
        rateLimit: opts.rateLimit,
        speed: opts.speed,
        rowsPerSecond: opts.rowsPerSecond,
        dataLifeMs: opts.dataLife,
        fiShape: opts.fiShape,
      });
      stdout.write(`${JSON.stringify({ url: sandbox.url, credentials: sandbox.credentials })}\n`);
      io?.onStarted?.(sandbox);
      // Serve until a signal; closing the server lets the process exit 0 on its own.
      await new Promise<void>((resolve) => {
        const stop = () => {
          signals.off?.('SIGINT', stop);
          signals.off?.('SIGTERM', stop);
          resolve();
        };
        signals.once('SIGINT', stop);
        signals.once('SIGTERM', stop);
      });
      await sandbox.close();
    });
}
