import { randomBytes } from 'node:crypto';

/**
 * Secrets must never reach stdout, stderr, logs or state. Tests put a distinctive secret in
 * every config they write (`testSecret()`), and the connector runner scans everything a run
 * printed for every secret registered here: one hit fails the test that caused it.
 */
const registered = new Set<string>();

/** A fresh, unmistakable secret (`s3cr3t-<random hex>`), registered for scanning. */
export function testSecret(): string {
  const secret = `s3cr3t-${randomBytes(12).toString('hex')}`;
  registered.add(secret);
  return secret;
}

/** Registers a secret the test did not make (e.g. the sandbox demo credentials). */
export function registerSecret(secret: string): void {
  if (secret.length > 0) registered.add(secret);
}

export function registeredSecrets(): readonly string[] {
  return [...registered];
}

/** The JSON-escaped and base64 forms a secret could leak in, besides the plain text. */
function leakForms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')];
}

/** Where a secret occurs in the named texts: `["stdout", ...]`; empty when clean. */
export function findSecretLeaks(texts: Record<string, string>, secrets: readonly string[] = registeredSecrets()): string[] {
  const hits: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) {
      if (leakForms(secret).some((form) => text.includes(form))) hits.push(where);
    }
  }
  return hits;
}

/** Throws (without repeating the secret) when any registered secret occurs in the texts. */
export function assertNoSecretLeak(texts: Record<string, string>, secrets: readonly string[] = registeredSecrets()): void {
  const hits = findSecretLeaks(texts, secrets);
  if (hits.length > 0) throw new Error(`SECRET LEAK: a configured client_secret appeared in ${[...new Set(hits)].join(', ')}`);
}
