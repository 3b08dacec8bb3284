import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileServer, type Mutator } from '../support/hostile-server.js';
import { lastStates } from '../read/read-harness.js';
import type { Mode } from './hostile-cases.js';
import { useHostileUpstream } from './hostile-harness.js';
import { MUTATION_OPS, mutateAt, pathsOf, pathText, type MutationOp } from './json-mutation.js';
import { reliabilityCounter } from './reliability-summary.js';
import { baseSeed, soakOr } from './reliability-env.js';

/**
 * Bad server input: the real CLI against a FinPro that lies (support/hostile-server.ts, a
 * mutating proxy in front of the sandbox). Property-based: fast-check breaks real answers at a random path with a random operation (seeded sample; HOSTILE_RUNS overrides the count). See hostile-harness.ts for what every case must
 * show, and README.md.
 */

const SEED = baseSeed(6502);
const PROPERTY_RUNS = Number(process.env['HOSTILE_RUNS'] ?? soakOr(30, 250));
const counter = reliabilityCounter('hostile-random');
const { sandbox, read, expectNoCrash, expectResumes } = useHostileUpstream(counter);

/** A random break of a real answer: which endpoint, from which answer on, where, how. */
interface RandomBreak {
  mode: Mode;
  route: string;
  fromNth: number;
  once: boolean;
  pick: number;
  op: MutationOp;
}

const ROUTES: Record<Mode, string[]> = {
  bulk: ['/v2/schedule/fi/requests', '/bulk/status', '/getallfidata'],
  file: ['/fi/requests/schedule/upload/v3'],
  single: ['/fi/request', '/consent/firequest/status', '/getallfidata'],
};

const randomBreak: fc.Arbitrary<RandomBreak> = fc
  .constantFrom<Mode>('bulk', 'bulk', 'bulk', 'single', 'single', 'file')
  .chain((mode) =>
    fc.record({
      mode: fc.constant(mode),
      route: fc.constantFrom(...ROUTES[mode]),
      fromNth: fc.integer({ min: 1, max: 3 }),
      once: fc.boolean(),
      pick: fc.nat(),
      op: fc.constantFrom(...MUTATION_OPS),
    }),
  )
  .map((b) => (b.route.includes('schedule') ? { ...b, fromNth: 1 } : b));

function breakMutator(b: RandomBreak, applied: string[]): Mutator {
  return (answer) => {
    if (answer.route !== b.route || answer.status >= 300 || answer.json === undefined) return { kind: 'pass' };
    if (b.once ? answer.nth !== b.fromNth : answer.nth < b.fromNth) return { kind: 'pass' };
    const paths = pathsOf(answer.json);
    if (paths.length === 0) return { kind: 'pass' };
    const path = paths[b.pick % paths.length]!;
    applied.push(`${b.op} at ${pathText(path)} of answer #${answer.nth}`);
    return { kind: 'json', body: mutateAt(answer.json, path, b.op) };
  };
}

describe.concurrent('a lying FinPro server: random breaks of real answers (fast-check)', () => {
  const sample = fc.sample(randomBreak, { numRuns: PROPERTY_RUNS, seed: SEED });
  it.each(sample.map((b, i) => [i, `${b.mode} ${b.route} ${b.op} ${b.once ? 'once at' : 'from'} #${b.fromNth}`, b] as const))(
    '#%i %s',
    { timeout: 120_000 },
    async (_i, label, b) => {
      const applied: string[] = [];
      const server = await hostileServer(sandbox().url, breakMutator(b, applied));
      try {
        const output = await read(server.url, b.mode);
        if (applied.length === 0) return; // this run never reached that answer: nothing was tried
        counter.add({ bad_server_inputs_tried: 1 });
        const where = `${label}: ${applied[0]}`;
        const outcome = expectNoCrash(output, where);
        counter.add(outcome === 'ok' ? { bad_server_inputs_tolerated: 1 } : { bad_server_inputs_rejected: 1 });
        // A tolerated break may legitimately change values (a number for a string); a failure
        // must leave a state that resumes, and the records it covers plus the resumed ones are complete.
        if (outcome === 'ok') return;
        await expectResumes(output, b.mode, where, b.route !== '/getallfidata');
      } finally {
        await server.close();
      }
    },
  );
});
