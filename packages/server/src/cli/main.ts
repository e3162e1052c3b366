import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { strictCommand } from './options.js';
import { runProgram } from './run.js';

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/**
 * Every subcommand, loaded only when asked for: `tweeter serve` must not pay for (or be put at risk by) the
 * modules of populate, backup or openapi. Nothing in this file may import a subcommand statically; a test
 * (test/ops/lazy-cli.test.ts) records the modules `tweeter serve` loads.
 */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve.js')).serveCommand(),
  migrate: async () => (await import('./migrate.js')).migrateCommand(),
  dlq: async () => (await import('./dlq.js')).dlqCommand(),
  populate: async () => (await import('./populate.js')).populateCommand(),
  backup: async () => (await import('./backup.js')).backupCommand(),
  reindex: async () => (await import('./reindex.js')).reindexCommand(),
  openapi: async () => (await import('./openapi.js')).openapiCommand(),
};

/**
 * `tweeter <command>`: every command reads the same environment configuration as the server. Only the named
 * subcommand is loaded; without one (help, --version, a typo) all are, so help lists them and typos get a
 * suggestion.
 */
export async function createCli(argv: readonly string[] = process.argv): Promise<Command> {
  const program = strictCommand('tweeter')
    .description('Tweeter server and operator tools. Configuration comes from environment variables (see README).')
    .version(version(), '-V, --version', 'print the version');
  const named = argv[2];
  const wanted = named !== undefined && Object.hasOwn(SUBCOMMANDS, named) ? [named] : Object.keys(SUBCOMMANDS);
  for (const name of wanted) program.addCommand(await (SUBCOMMANDS[name] as () => Promise<Command>)());
  return program;
}

/** Runs the CLI: usage errors, invalid configuration and refused starts exit with status 2 and a one-line reason. */
export async function runCli(argv: string[]): Promise<void> {
  await runProgram(await createCli(argv), argv, 'tweeter');
}
