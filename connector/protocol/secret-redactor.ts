/**
 * Last line of defence for secrets: every line written to stdout or stderr passes through
 * here, and any registered secret value is replaced. Code should never put a secret in a
 * message in the first place; this catches the case where an error from a library (say, a
 * URL or a header echoed in an exception) carries one anyway.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  /**
   * What to search for: each secret, and its JSON-escaped form when that differs (stdout
   * lines are JSON, which escapes quotes and backslashes). Built once in `add`, because
   * `redact` runs on every line a read writes.
   */
  private needles: string[] = [];

  /** Registers values to hide. Very short values are ignored: redacting "a" would shred output. */
  add(...values: Array<string | undefined>): void {
    for (const value of values) {
      if (value === undefined || value.length < 4 || this.secrets.has(value)) continue;
      this.secrets.add(value);
      const escaped = JSON.stringify(value).slice(1, -1);
      this.needles.push(value, ...(escaped !== value ? [escaped] : []));
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let out = text;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join('**********');
    return out;
  }
}

/** Process-wide redactor used by the stdout emitter and the stderr logger. */
export const processRedactor = new SecretRedactor();
