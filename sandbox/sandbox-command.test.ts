import { EventEmitter } from 'node:events';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from './index.js';
import { parseRateLimit, registerSandboxCommand } from './sandbox-command.js';
import { authHeaders, post } from './test-support/sandbox-test-client.js';

function program(lines: string[], signals: EventEmitter, onStarted?: (s: Sandbox) => void): Command {
  const p = new Command('source-finpro').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerSandboxCommand(p, { stdout: { write: (line: string) => lines.push(line) }, signals: signals as never, ...(onStarted ? { onStarted } : {}) });
  return p;
}

describe('sandbox command', () => {
  it('prints one JSON line with url and credentials, serves, and stops on SIGTERM', async () => {
    const lines: string[] = [];
    const signals = new EventEmitter();
    let started: Sandbox | undefined;
    const run = program(lines, signals, (s) => (started = s)).parseAsync(
      ['sandbox', '--port', '0', '--seed', '7', '--consents', '25', '--rate-limit', '50/10s', '--speed', '10', '--faults', 'none', '--fi-shape', 'lower'],
      { from: 'user' },
    );
    while (!started) await new Promise((r) => setTimeout(r, 5));
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!);
    expect(printed).toEqual({ url: started.url, credentials: started.credentials });
    expect(printed.credentials).toEqual({
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret-do-not-use-in-prod',
      app_identifier: 'com.example.finpro',
      organisation_id: 'sandbox-org',
    });
    expect(started.consents()).toHaveLength(25);
    const res = await post(started, '/bulk/status', { reference_id: 'none-here' });
    expect(res.headers.get('x-ratelimit-limit')).toBe('50');
    const consent = started.consents('ACTIVE')[0]!;
    await post(started, '/fi/request', { consentId: consent.id });
    let data: Response | undefined;
    for (let i = 0; i < 100 && data?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      data = await fetch(`${started.url}/getallfidata`, { method: 'POST', headers: authHeaders(started), body: JSON.stringify({ consentID: consent.id }) });
    }
    const accounts = ((await data!.json()) as { data: Array<Record<string, unknown>> }).data;
    expect(accounts.every((a) => 'summary' in a && !('Summary' in a))).toBe(true); // --fi-shape lower
    signals.emit('SIGTERM');
    await run;
    await expect(fetch(`${started.url}/_sandbox/stats`)).rejects.toThrow();
  });

  it.each([
    [['--port', '70000'], '--port'],
    [['--consents', '-5'], '--consents'],
    [['--faults', 'chaos'], 'chaos'],
    [['--rate-limit', 'lots'], 'rate-limit'],
    [['--speed', '0'], 'speed'],
    [['--fi-shape', 'camel'], 'camel'],
  ])('rejects %j with a clear error', async (args, mention) => {
    const errors: string[] = [];
    const p = new Command('source-finpro').exitOverride().configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => {} });
    registerSandboxCommand(p, { stdout: { write: () => {} }, signals: new EventEmitter() as never });
    await expect(p.parseAsync(['sandbox', ...args], { from: 'user' })).rejects.toThrow();
    expect(errors.join('')).toContain(mention);
  });

  it('parses rate limits', () => {
    expect(parseRateLimit('1000/60s')).toEqual({ limit: 1000, windowMs: 60_000 });
    expect(parseRateLimit('10/500ms')).toEqual({ limit: 10, windowMs: 500 });
    expect(parseRateLimit('5/m')).toEqual({ limit: 5, windowMs: 60_000 });
    expect(parseRateLimit('1000')).toEqual({ limit: 1000, windowMs: 60_000 });
    expect(() => parseRateLimit('0/1s')).toThrow();
  });
});
