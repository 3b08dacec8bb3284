import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEntrypointOutput, runConnector, testSecret, type EntrypointOutput } from '../support/index.js';

/**
 * A bug must still end as protocol: one TRACE ERROR system_error carrying the stack in
 * `stack_trace`, exit 1, no raw stack on stdout. Driven through the real (built) runner.
 */
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-fixture.mjs');

function runScenario(scenario: string, secret?: string): Promise<EntrypointOutput> {
  return runConnector(secret === undefined ? [scenario] : [scenario, secret], { script: FIXTURE, timeoutMs: 20_000 });
}

function expectSystemError(output: EntrypointOutput, internal: RegExp): void {
  expect(output.exitCode).toBe(1);
  expect(output.messages.map((m) => m.type)).toEqual(['TRACE']);
  const error = output.errors[0]!;
  expect(error.failure_type).toBe('system_error');
  expect(error.message).toMatch(/unexpected error/);
  expect(error.internal_message).toMatch(internal);
  expect(error.stack_trace).toMatch(/\n\s+at /);
  // Raw stack text appears only inside the JSON of the trace, never as its own stdout line.
  expect(output.stdoutLines.every((line) => line.startsWith('{'))).toBe(true);
}

describe('unexpected failures', () => {
  it('an exception in a command', async () => {
    expectSystemError(await runScenario('throw-in-command'), /^TypeError: boom in a command$/);
  });

  it('a thrown non-Error value', async () => {
    expectSystemError(await runScenario('throw-non-error'), /^Error: a bare string$/);
  });

  it('an unhandled promise rejection', async () => {
    expectSystemError(await runScenario('unhandled-rejection'), /^RangeError: nobody awaited this$/);
  });

  it('an uncaught exception from a timer', async () => {
    expectSystemError(await runScenario('uncaught-exception'), /^Error: thrown from a timer$/);
  });

  it('an error whose text carries a registered secret: its TRACE says the text was withheld, masks nothing and keeps the failure type', async () => {
    const secret = testSecret();
    // runConnector scans stdout and stderr for the secret and throws on a hit.
    const output = await runScenario('secret-in-error', secret);
    expect(output.exitCode).toBe(1);
    expect(output.messages.map((m) => m.type)).toEqual(['TRACE']);
    expect(output.errors).toEqual([{ message: 'The connector failed; the text of the error contained a configured secret and was withheld.', failure_type: 'system_error' }]);
    expect(output.stdoutLines.join('\n') + output.stderr).not.toContain('***');
  });

  it('a cancelled command exits only after a full pipe has taken its last lines', async () => {
    // A real pipe(2), read only after a second: what process.exit would drop is still queued then.
    const script = `"${process.execPath}" "${FIXTURE}" cancelled-behind-full-pipe | { sleep 1; cat; }; exit \${PIPESTATUS[0]}`;
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const output = parseEntrypointOutput(stdout, stderr, code);
    expect(output.exitCode, stderr).toBe(1);
    expect(output.protocolErrors).toEqual([]);
    expect(output.logs).toHaveLength(68);
    expect(output.stdoutLines.slice(0, 68).every((line) => line.length === 1023)).toBe(true);
    expect(output.messages.at(-1)).toMatchObject({ type: 'TRACE', trace: { error: { failure_type: 'transient_error', message: 'The sync was cancelled (SIGTERM).' } } });
  });

  it('the harness itself catches a secret written past the connector\'s own writers', async () => {
    await expect(runScenario('leak-on-stderr', testSecret())).rejects.toThrow(/SECRET LEAK: .* in stderr/);
  });
});
