import { CommanderError, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/index.js';
import { StartupError } from '../runtimes/node/startup-error.js';
import { backupCommand } from './backup.js';
import { benchCommand } from './bench.js';
import { dlqCommand } from './dlq.js';
import { migrateCommand } from './migrate.js';
import { openapiCommand } from './openapi.js';
import { populateCommand } from './populate.js';
import { serveCommand } from './serve.js';
import { strictCommand } from './options.js';
import { UsageError } from './usage-error.js';

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** `tweeter <command>`: every command reads the same environment configuration as the server. */
export function createCli(): Command {
  const program = strictCommand('tweeter')
    .description('Tweeter server and operator tools. Configuration comes from environment variables (see README).')
    .version(version(), '-V, --version', 'print the version');
  program.addCommand(serveCommand());
  program.addCommand(migrateCommand());
  program.addCommand(dlqCommand());
  program.addCommand(populateCommand());
  program.addCommand(backupCommand());
  program.addCommand(benchCommand());
  program.addCommand(openapiCommand());
  return program;
}

/** Runs the CLI: usage errors, invalid configuration and refused starts exit with status 2 and a one-line reason. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await createCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof StartupError) {
      console.error(`tweeter: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
