import { afterAll, describe, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { startTestSandbox } from '../support/index.js';
import { expectSameDataUnderFaults } from './read-harness.js';

/**
 * Storm faults on a file of its own: the sandbox's storm 429s ask for a Retry-After of 1-2
 * real seconds (not scaled by speed), so this test mostly waits; alone in its file it waits
 * beside the other read tests instead of after them.
 */
const sandboxes: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('read: faults', () => {
  it('delivers under storm faults the same data as without', { timeout: 120_000 }, async () => {
    await expectSameDataUnderFaults('storm', async (options) => {
      const s = await startTestSandbox(options);
      sandboxes.push(s);
      return s;
    });
  });
});
