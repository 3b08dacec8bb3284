import { describe, expect, it } from 'vitest';
import { SecretDetector, WITHHELD_LINE, withheldLines } from './secret-detector.js';

describe('SecretDetector', () => {
  it('finds each registered secret, plain or JSON-escaped, and nothing else', () => {
    const secrets = new SecretDetector();
    secrets.add('alpha-secret', 'pa"ss\\word', undefined);
    expect(secrets.size).toBe(2);
    expect(secrets.foundIn('x alpha-secret y')).toBe(true);
    expect(secrets.foundIn(JSON.stringify({ s: 'pa"ss\\word' }))).toBe(true);
    expect(secrets.foundIn('alpha-secre pa"ss word')).toBe(false);
  });

  it('ignores values too short to tell apart from ordinary text', () => {
    const secrets = new SecretDetector();
    secrets.add('abc');
    expect(secrets.size).toBe(0);
    expect(secrets.foundIn('abcabc')).toBe(false);
  });

  it('withholds each human-readable line that carries one, whole, and leaves the others as they are', () => {
    const secrets = new SecretDetector();
    secrets.add('alpha-secret');
    expect(withheldLines('first\nfile /tmp/alpha-secret.csv not found\nlast', secrets)).toBe(`first\n${WITHHELD_LINE}\nlast`);
    expect(withheldLines('nothing here', secrets)).toBe('nothing here');
  });

  it('searches JSON lines in one pass with the same answer as line by line', () => {
    const secrets = new SecretDetector();
    secrets.add('alpha-secret', 'line\nend', 'pa"ss\\word');
    const clean = ['{"a":"nothing"}', '{"b":"line end"}'];
    expect(secrets.foundInJsonLines(clean.map((line) => `${line}\n`).join(''))).toBe(false);
    for (const carrier of [{ s: 'alpha-secret' }, { s: 'pa"ss\\word' }, { s: 'line\nend' }]) {
      const line = JSON.stringify(carrier);
      const text = [...clean, line].map((l) => `${l}\n`).join('');
      expect(secrets.foundInJsonLines(text)).toBe(secrets.foundIn(line) || clean.some((l) => secrets.foundIn(l)));
    }
    expect(secrets.foundInJsonLines(`${JSON.stringify({ s: 'line\nend' })}\n`)).toBe(true);
  });
});
