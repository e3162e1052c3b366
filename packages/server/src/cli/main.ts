import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { benchCommand } from './bench.js';
import { dlqCommand } from './dlq.js';
import { migrateCommand } from './migrate.js';
import { openapiCommand } from './openapi.js';
import { populateCommand } from './populate.js';
import { serveCommand } from './serve.js';
import { UsageError } from './usage-error.js';

/** `tweeter <command>`: every command reads the same environment configuration as the server. */
export function createCli(): Command {
  const program = new Command('tweeter')
    .description('Tweeter server and operator tools. Configuration comes from environment variables (see README).')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(serveCommand());
  program.addCommand(migrateCommand());
  program.addCommand(dlqCommand());
  program.addCommand(populateCommand());
  program.addCommand(benchCommand());
  program.addCommand(openapiCommand());
  return program;
}

/** Runs the CLI: usage errors and invalid configuration exit with status 2 and a one-line reason. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await createCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(`tweeter: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
