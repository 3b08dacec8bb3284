import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../connector/config-reader.js';
import { ConfigError } from '../../connector/errors/connector-errors.js';
import { loadReadInput, parseConfiguredCatalog, parseState } from '../../connector/read-input.js';
import { configuredCatalog, makeTempDir, runRead, StateBuilder, testConfig, testSecret } from '../support/index.js';
import { badCatalog, badConfig, badState, truncated, type BadCase } from './bad-input-arbitraries.js';

/**
 * Property-based bad input. Hundreds of malformed configs, catalogs and states go through the
 * exported parsers in this process (fast), and a sample goes through the real CLI. Each must
 * end as a ConfigError / TRACE ERROR config_error naming the broken field, with a non-zero
 * exit, no unhandled rejection, no raw stack on stdout and the secret never echoed.
 */

const SECRET = testSecret();
const baseConfig = () => testConfig({ credentials: { client_secret: SECRET } });
const counts = { config: 0, catalog: 0, state: 0, truncated: 0, cli: 0 };
let unhandled = 0;
const onUnhandled = () => void unhandled++;
process.on('unhandledRejection', onUnhandled);

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  const inProcess = counts.config + counts.catalog + counts.state + counts.truncated;
  process.stderr.write(
    `\nbad-input summary: ${inProcess} malformed inputs in-process (configs ${counts.config}, catalogs ${counts.catalog}, ` +
      `states ${counts.state}, truncated files ${counts.truncated}) + ${counts.cli} through the CLI; all rejected as config_error; ` +
      `unhandled rejections: ${unhandled}\n`,
  );
  expect(unhandled).toBe(0);
});

function rejects(run: () => unknown, bad: BadCase): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof ConfigError)) throw new Error(`accepted or crashed on ${bad.how}: ${String(error)}`);
  expect(error.failureType).toBe('config_error');
  expect(error.message, bad.how).toContain(bad.field);
  expect(error.message).not.toContain(SECRET);
  // A bad input is reported, never echoed wholesale: messages stay readable.
  expect(error.message.length, bad.how).toBeLessThan(2_000);
}

describe('malformed input, in process', () => {
  it('configs', () => {
    fc.assert(
      fc.property(badConfig(baseConfig), (bad) => {
        counts.config++;
        rejects(() => parseConfig(bad.value), bad);
      }),
      { numRuns: 200 },
    );
  });

  it('catalogs', () => {
    fc.assert(
      fc.property(badCatalog(), (bad) => {
        counts.catalog++;
        rejects(() => parseConfiguredCatalog(bad.value), bad);
      }),
      { numRuns: 150 },
    );
  });

  it('states', () => {
    fc.assert(
      fc.property(badState(), (bad) => {
        counts.state++;
        rejects(() => parseState(bad.value, []), bad);
      }),
      { numRuns: 150 },
    );
  });

  it('truncated config, catalog and state files', async () => {
    const dir = makeTempDir();
    try {
      const texts = {
        config: JSON.stringify(baseConfig()),
        catalog: JSON.stringify(configuredCatalog()),
        state: JSON.stringify(new StateBuilder().withStreamState('fi_data', { cursor: 'x' }).build()),
      };
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('config', 'catalog', 'state') as fc.Arbitrary<keyof typeof texts>, fc.nat(), async (which, seed) => {
          counts.truncated++;
          const text = fc.sample(truncated(texts[which]), { numRuns: 1, seed })[0]!;
          const files = { config: dir.file('config.json'), catalog: dir.file('catalog.json'), state: dir.file('state.json') };
          for (const [name, path] of Object.entries(files)) writeFileSync(path, name === which ? text : texts[name as keyof typeof texts]);
          const error = await loadReadInput(files).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, `truncated ${which} at ${text.length}`).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).message).toMatch(new RegExp(`The ${which} file .* is not valid JSON`));
          expect((error as ConfigError).message).not.toContain(SECRET);
        }),
        { numRuns: 60 },
      );
    } finally {
      dir.remove();
    }
  });
});

describe('malformed input, through the CLI', () => {
  // A fixed seed keeps the sample (and the run time) stable; the in-process runs cover breadth.
  const sample = fc.sample(fc.oneof(badConfig(baseConfig), badCatalog(), badState()), { numRuns: 20, seed: 20261123 });

  it.each(sample.map((bad, i) => [i, bad.how.slice(0, 90), bad] as const))('#%i %s', async (_i, _how, bad) => {
    counts.cli++;
    const files = {
      config: bad.kind === 'config' ? jsonFile(bad.value) : baseConfig(),
      catalog: bad.kind === 'catalog' ? jsonFile(bad.value) : configuredCatalog(),
      state: bad.kind === 'state' ? jsonFile(bad.value) : [],
    };
    const output = await runRead(files, { secrets: [SECRET] });
    expect(output.exitCode).toBe(1);
    expect(output.messages.map((m) => m.type)).toEqual(['TRACE']);
    expect(output.errors[0]!.failure_type).toBe('config_error');
    expect(output.errors[0]!.message).toContain(bad.field);
    expect(output.errors[0]!.stack_trace).toBeUndefined();
    expect(output.stdoutLines.every((line) => line.startsWith('{"type":"TRACE"'))).toBe(true);
    expect(output.stderr).not.toMatch(/\n\s+at /);
  });
});

/** Values go to the runner as objects, which it writes as JSON; non-objects need wrapping as text. */
function jsonFile(value: unknown): Record<string, unknown> | unknown[] | string {
  if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  const dir = makeTempDir();
  const path = dir.file('input.json');
  writeFileSync(path, JSON.stringify(value) ?? 'null');
  return path;
}
