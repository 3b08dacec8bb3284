/**
 * Stand-alone entry until connector/main.ts wires `registerSandboxCommand`:
 *   npm run build && node dist/sandbox/scripts/run-sandbox.js sandbox --port 8080
 */
import { Command } from 'commander';
import { registerSandboxCommand } from '../sandbox-command.js';

const program = new Command('source-finpro');
registerSandboxCommand(program);
await program.parseAsync(process.argv);
