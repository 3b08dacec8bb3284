import { writeFile } from 'node:fs/promises';
import { startSandbox, type SandboxOptions } from '../../sandbox/index.js';

/**
 * A sandbox in its own process, so its CPU is never charged to the connector it serves.
 * argv[2]: JSON {options, consentIdsFile?}. Writes the consent ids (one per line) when asked,
 * then prints one JSON line {url, credentials} on stdout, and closes on SIGTERM or when its
 * parent goes away (stdin ends), so a crashed bench leaves no server behind.
 */
interface ChildRequest {
  options: SandboxOptions;
  consentIdsFile?: string;
}

const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
const sandbox = await startSandbox({ ...request.options, host: '127.0.0.1' });
if (request.consentIdsFile) {
  const ids = sandbox.consents().map((consent) => consent.id);
  await writeFile(request.consentIdsFile, `${ids.join('\n')}\n`);
}
process.stdout.write(`${JSON.stringify({ url: sandbox.url, credentials: sandbox.credentials })}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  void sandbox.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
