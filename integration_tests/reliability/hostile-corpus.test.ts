import { describe, expect, it } from 'vitest';
import { hostileServer } from '../support/hostile-server.js';
import { HOSTILE_CORPUS, type HostileCase } from './hostile-cases.js';
import { useHostileUpstream } from './hostile-harness.js';
import { reliabilityCounter } from './reliability-summary.js';

/**
 * Bad server input: the real CLI against a FinPro that lies (support/hostile-server.ts, a
 * mutating proxy in front of the sandbox). The fixed corpus (hostile-cases.ts): one named way to break each endpoint. See hostile-harness.ts for what every case must
 * show, and README.md.
 */

const counter = reliabilityCounter('hostile-corpus');
const { sandbox, references, read, expectNoCrash, expectResumes, transactions } = useHostileUpstream(counter);

async function runCase(c: HostileCase): Promise<void> {
  const server = await hostileServer(sandbox().url, c.mutator);
  try {
    const output = await read(server.url, c.mode, undefined, c.slow ? 120_000 : 60_000);
    expect(server.mutated, `${c.name}: the server never misbehaved`).toBeGreaterThan(0);
    counter.add({ bad_server_inputs_tried: 1 });
    const outcome = expectNoCrash(output, c.name);
    if (c.expect === 'error') {
      expect(outcome, `${c.name}: must fail, but exited 0 with ${transactions([output]).size} transactions (reference ${references.get(c.mode)!.size}); logs: ${JSON.stringify(output.logs.filter((l) => l.level !== 'INFO' || /Planned|adopted/.test(l.message)).map((l) => l.message)).slice(0, 800)}`).not.toBe('ok');
      expect(c.failureTypes, `${c.name}: ${output.errors.at(-1)?.message}`).toContain(outcome);
    }
    if (c.expect === 'ok') expect(outcome, `${c.name}: ${JSON.stringify(output.errors)}`).toBe('ok');
    if (c.warns !== undefined) expect(output.logs.some((l) => l.level === 'WARN' && c.warns!.test(l.message)), `${c.name}: WARN naming the unknown value; WARNs: ${JSON.stringify(output.logs.filter((l) => l.level === 'WARN').map((l) => l.message)).slice(0, 600)}`).toBe(true);
    counter.add(outcome === 'ok' ? { bad_server_inputs_tolerated: 1 } : { bad_server_inputs_rejected: 1 });
    if (outcome === 'ok') {
      const got = transactions([output]);
      const missing = [...references.get(c.mode)!].filter((t) => !got.has(t));
      counter.add(c.knownBug !== undefined ? { records_lost_known_bugs: missing.length } : { records_compared: references.get(c.mode)!.size, records_lost: missing.length });
      expect(missing.slice(0, 3), `${c.name}: a tolerated answer must deliver what an honest one does`).toEqual([]);
    } else {
      await expectResumes(output, c.mode, c.name, true);
    }
  } finally {
    await server.close();
  }
}

describe.concurrent('a lying FinPro server: fixed corpus', () => {
  for (const c of HOSTILE_CORPUS) {
    const test = c.knownBug !== undefined ? it.fails : it;
    test(`${c.expect}: ${c.name}${c.knownBug !== undefined ? ` (KNOWN BUG: ${c.knownBug})` : ''}`, { timeout: c.slow ? 240_000 : 120_000 }, () => runCase(c));
  }
});

