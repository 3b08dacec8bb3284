import { spawn } from 'node:child_process';
import { parseEntrypointOutput, type EntrypointOutput } from './entrypoint-output.js';
import { REPO_ROOT, requireBuiltCli } from './repo-paths.js';
import { assertNoSecretLeak, registeredSecrets } from './secret-scanner.js';
import { makeTempDir, writeInputFile } from './temp-files.js';

/**
 * Runs the built CLI (`node dist/connector/main.js ...`) as the platform does: a subprocess,
 * arguments and files in, JSON lines out. Every run is checked on the way back:
 * - every stdout line must be a valid AirbyteMessage (else the run throws, listing the lines);
 * - no registered secret (see secret-scanner.ts) and no client_secret of the given config may
 *   appear on stdout or stderr (else it throws "SECRET LEAK").
 * Pass `{ strictProtocol: false }` to get the output back anyway and assert on `protocolErrors`.
 */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Kill the process after this long (default 60 s) and fail. */
  timeoutMs?: number;
  cwd?: string;
  /** Throw when a stdout line is not valid protocol (default true). */
  strictProtocol?: boolean;
  /** Extra secrets to scan for in this run's output. */
  secrets?: string[];
  /** The script to run instead of the built CLI (e.g. a crash fixture); args follow it. */
  script?: string;
}

export async function runConnector(args: string[], options: RunOptions = {}): Promise<EntrypointOutput> {
  const script = options.script ?? requireBuiltCli();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve([code, sig]));
  }).finally(() => clearTimeout(timer));
  const output = parseEntrypointOutput(Buffer.concat(stdout).toString('utf8'), Buffer.concat(stderr).toString('utf8'), exitCode, signal);
  const label = `source-finpro ${args.join(' ')}`;
  if (timedOut) throw new Error(`${label} did not finish within ${timeoutMs} ms; stderr:\n${output.stderr.slice(-2000)}`);
  assertNoSecretLeak({ stdout: output.stdout, stderr: output.stderr }, [...registeredSecrets(), ...(options.secrets ?? [])]);
  if ((options.strictProtocol ?? true) && output.protocolErrors.length > 0) {
    throw new Error(`${label} printed invalid Airbyte protocol on stdout:\n${output.protocolErrors.slice(0, 10).join('\n')}`);
  }
  return output;
}

/** A config, catalog or state given either as a file path (string) or as a value to write. */
export type InputFile = string | Record<string, unknown> | unknown[];

function secretOf(config: InputFile | undefined): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [];
  const secret = (config['credentials'] as { client_secret?: unknown } | undefined)?.client_secret;
  return typeof secret === 'string' && secret.length > 0 ? [secret] : [];
}

/** Runs a command with its input files written to a temp dir (removed afterwards). */
async function runWithFiles(command: string, files: Record<string, InputFile | undefined>, options: RunOptions): Promise<EntrypointOutput> {
  const dir = makeTempDir();
  try {
    const args = [command];
    for (const [flag, value] of Object.entries(files)) {
      if (value === undefined) continue;
      args.push(`--${flag}`, typeof value === 'string' ? value : writeInputFile(dir.path, `${flag}.json`, value));
    }
    return await runConnector(args, { ...options, secrets: [...(options.secrets ?? []), ...secretOf(files['config'])] });
  } finally {
    dir.remove();
  }
}

export function runSpec(options: RunOptions = {}): Promise<EntrypointOutput> {
  return runConnector(['spec'], options);
}

export function runCheck(config: InputFile, options: RunOptions = {}): Promise<EntrypointOutput> {
  return runWithFiles('check', { config }, options);
}

export function runDiscover(config: InputFile, options: RunOptions = {}): Promise<EntrypointOutput> {
  return runWithFiles('discover', { config }, options);
}

export interface ReadFiles {
  config: InputFile;
  catalog?: InputFile;
  state?: InputFile;
}

export function runRead(files: ReadFiles, options: RunOptions = {}): Promise<EntrypointOutput> {
  return runWithFiles('read', { config: files.config, catalog: files.catalog, state: files.state }, options);
}
