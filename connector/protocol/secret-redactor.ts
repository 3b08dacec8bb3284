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
  /** The needles that can occur within one JSON line (see redactJsonLines). */
  private lineNeedles: string[] = [];

  /** Registers values to hide. Very short values are ignored: redacting "a" would shred output. */
  add(...values: Array<string | undefined>): void {
    for (const value of values) {
      if (value === undefined || value.length < 4 || this.secrets.has(value)) continue;
      this.secrets.add(value);
      const escaped = JSON.stringify(value).slice(1, -1);
      const forms = [value, ...(escaped !== value ? [escaped] : [])];
      this.needles.push(...forms);
      this.lineNeedles.push(...forms.filter((form) => !form.includes('\n')));
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    return replaceNeedles(text, this.needles);
  }

  /**
   * `redact` of each line of `text`, joined, where every line is JSON text (as stdout's
   * are): one search per secret over a whole chunk of lines instead of one per line. The
   * same result: JSON text has no raw newline, so a form of a secret with a newline matches
   * no line (and is skipped, as it could only match across two), and any other match lies
   * within one line.
   */
  redactJsonLines(text: string): string {
    return replaceNeedles(text, this.lineNeedles);
  }
}

function replaceNeedles(text: string, needles: readonly string[]): string {
  let out = text;
  for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join('**********');
  return out;
}

/** Process-wide redactor used by the stdout emitter and the stderr logger. */
export const processRedactor = new SecretRedactor();
