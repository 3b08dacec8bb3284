import { reportCrashesAsHumanCommand } from '../cli-runner.js';
import { ConnectorError } from '../errors/connector-errors.js';
import { logToStderr } from '../protocol/stderr-logger.js';

/**
 * Runs `sync` or `load`: commands for people, not the Airbyte protocol, so a failure is a
 * readable line on stderr (withheld, like every line, if it carries a secret) and exit code 1,
 * not a TRACE message.
 */
export async function runHumanCommand(name: string, body: () => Promise<void>): Promise<void> {
  reportCrashesAsHumanCommand(name);
  try {
    await body();
  } catch (error) {
    if (error instanceof ConnectorError) {
      logToStderr(`source-finpro ${name} failed (${error.failureType}): ${error.message}`);
      if (error.internalMessage !== undefined) logToStderr(`  ${error.internalMessage}`);
    } else {
      const err = error instanceof Error ? error : new Error(String(error));
      logToStderr(`source-finpro ${name} failed (system_error): ${err.stack ?? err.message}`);
    }
    process.exitCode = 1;
  }
}
