import { withheldLines } from './secret-detector.js';

/**
 * Human diagnostics go to stderr (stdout belongs to the protocol). A line that carries a
 * configured secret is not written; a line saying so takes its place (secret-detector.ts).
 * Quiet by default so the platform's logs stay small; SOURCE_FINPRO_DEBUG=1 turns on debug.
 */
export function logToStderr(message: string): void {
  process.stderr.write(withheldLines(message) + '\n');
}

export function debugToStderr(message: string): void {
  if (debugEnabled()) logToStderr(`[debug] ${message}`);
}

/** For debug lines that cost work to compute (a query): skip the work when nobody reads them. */
export function debugEnabled(): boolean {
  return process.env['SOURCE_FINPRO_DEBUG'] === '1';
}
