/**
 * The configured secrets (`client_secret`, `personal_data.hash_key`), searched for in every line
 * the connector writes so that none is ever written. Code never puts a secret in a message; this
 * catches a library's error that echoes one anyway (a URL, a header). Output is never altered to
 * hide a secret: a line that carries one is not written at all. A log or trace line gives way to
 * one that says a line was withheld (message-emitter.ts, stderr-logger.ts); a record or a state
 * that carries one stops the sync before it is written (SecretInOutputError).
 */
export class SecretDetector {
  private readonly secrets = new Set<string>();
  /**
   * What to search for: each secret, and its JSON-escaped form when that differs (stdout
   * lines are JSON, which escapes quotes and backslashes). Built once in `add`, because the
   * search runs on everything a read writes.
   */
  private needles: string[] = [];
  /** The needles that can occur within one JSON line (see foundInJsonLines). */
  private lineNeedles: string[] = [];

  /** Registers values to look for. Very short values are ignored: "a" would be found everywhere. */
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

  /** Whether `text` holds a registered secret, plain or JSON-escaped. */
  foundIn(text: string): boolean {
    return this.needles.some((needle) => text.includes(needle));
  }

  /**
   * `foundIn` for text made of whole JSON lines (as stdout's are), with one search per secret
   * over all of them. The same answer as line by line: JSON text has no raw newline, so a form of
   * a secret with a newline could only match across two lines, and is skipped.
   */
  foundInJsonLines(text: string): boolean {
    return this.lineNeedles.some((needle) => text.includes(needle));
  }
}

/** Process-wide: the config registers the secrets, the stdout emitter and the stderr writers look for them. */
export const processSecrets = new SecretDetector();

/** What a human-readable output (stderr, `sync`'s summary) shows in place of a line that carried a secret. */
export const WITHHELD_LINE = '[a line was withheld here: it contained a configured secret]';

/** `text` with each line that carries a registered secret given way to WITHHELD_LINE. */
export function withheldLines(text: string, secrets: SecretDetector = processSecrets): string {
  if (!secrets.foundIn(text)) return text;
  return text
    .split('\n')
    .map((line) => (secrets.foundIn(line) ? WITHHELD_LINE : line))
    .join('\n');
}
