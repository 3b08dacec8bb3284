import { describe, expect, it } from 'vitest';
import { checkedNotShown, takeGuardedLeaks } from './secret-guard-setup.js';
import { findSecretLeaks, testSecret } from './secret-scanner.js';

describe('secret scanner', () => {
  it('finds a secret plain, JSON-escaped or base64, and nothing in clean text', () => {
    const secret = testSecret();
    expect(secret).toMatch(/^s3cr3t-[0-9a-f]{24}$/);
    expect(findSecretLeaks({ a: `x ${secret} y` }, [secret])).toEqual(['a']);
    expect(findSecretLeaks({ b: Buffer.from(secret).toString('base64') }, [secret])).toEqual(['b']);
    expect(findSecretLeaks({ c: 'nothing here **********' }, [secret])).toEqual([]);
  });

  it('the setup guard sees a secret this process writes to stderr', () => {
    const secret = testSecret();
    checkedNotShown(() => process.stderr.write(`guard self-test: ${secret.slice(0, 7)}${secret.slice(7)}\n`));
    // Taken here so the guard's afterEach does not fail this test: the point is that it saw it.
    expect(takeGuardedLeaks()).toEqual(['stderr of the test process']);
    checkedNotShown(() => process.stderr.write('clean line\n'));
    expect(takeGuardedLeaks()).toEqual([]);
  });
});
