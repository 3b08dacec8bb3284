import { describe, expect, it } from 'vitest';
import { SecretRedactor } from './secret-redactor.js';

describe('SecretRedactor', () => {
  it('replaces every occurrence of every registered secret', () => {
    const redactor = new SecretRedactor();
    redactor.add('alpha-secret', 'beta-secret', undefined);
    expect(redactor.redact('alpha-secret and beta-secret and alpha-secret')).toBe('********** and ********** and **********');
    expect(redactor.size).toBe(2);
  });

  it('ignores values too short to redact safely', () => {
    const redactor = new SecretRedactor();
    redactor.add('abc');
    expect(redactor.redact('abcabc')).toBe('abcabc');
  });

  it('catches the JSON-escaped form of a secret with quotes or backslashes', () => {
    const redactor = new SecretRedactor();
    redactor.add('pa"ss\\word');
    expect(redactor.redact(JSON.stringify({ s: 'pa"ss\\word' }))).toBe('{"s":"**********"}');
  });
});

describe('SecretRedactor.redactJsonLines', () => {
  it('equals redacting each JSON line on its own', () => {
    const redactor = new SecretRedactor();
    const secrets = ['alpha-secret', 'pa"ss\\word', 'two\nlines', 'line-end'];
    redactor.add(...secrets);
    const lines = [
      { s: 'alpha-secret twice alpha-secret' },
      { s: 'pa"ss\\word' },
      { s: 'two\nlines' },
      { s: 'ends with line-' },
      { s: 'end of it' },
      { k: 'line-end', v: ['alpha-secretalpha-secret'] },
    ].map((value) => JSON.stringify(value));
    const text = lines.map((line) => `${line}\n`).join('');
    expect(redactor.redactJsonLines(text)).toBe(lines.map((line) => `${redactor.redact(line)}\n`).join(''));
    expect(redactor.redactJsonLines(text)).not.toMatch(/alpha-secret|line-end|ss\\\\\\\\word/);
  });
});
