/**
 * Last line of defence for secrets: every line written to stdout or stderr passes through
 * here, and any registered secret value is replaced. Code should never put a secret in a
 * message in the first place; this catches the case where an error from a library (say, a
 * URL or a header echoed in an exception) carries one anyway.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Registers values to hide. Very short values are ignored: redacting "a" would shred output. */
  add(...values: Array<string | undefined>): void {
    for (const value of values) if (value !== undefined && value.length >= 4) this.secrets.add(value);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('**********');
      // JSON.stringify escapes quotes and backslashes, so look for the escaped form too.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join('**********');
    }
    return out;
  }
}

/** Process-wide redactor used by the stdout emitter and the stderr logger. */
export const processRedactor = new SecretRedactor();
