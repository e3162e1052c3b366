import { CommanderError, type Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { StartupError } from '../runtimes/node/startup-error.js';
import { UsageError } from './usage-error.js';

/**
 * Parses and runs `program`: usage errors, invalid configuration and refused starts exit with status 2 and a
 * one-line reason after `prefix` ("tweeter: ..."); anything else is a bug and keeps its stack trace.
 */
export async function runProgram(program: Command, argv: string[], prefix: string): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof StartupError) {
      console.error(`${prefix}: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
