import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runReport } from './report/run-report.js';
import { formatResult, type ScenarioResult } from './result.js';
import { SCENARIOS } from './scenarios/all.js';
import type { TargetOptions } from './setup.js';
import { parseWhole, runProgram, strictCommand, UsageError } from '@tweeter/server/tooling';

interface TargetFlags {
  url?: string;
  dataDir?: string;
  password: string;
  seed: string;
  json?: string;
  profile?: string;
  nodeArgs?: string;
  serverOut?: string;
}

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** `tweeter bench <scenario>|report`: measures a server it starts (or --url); see docs/benchmarks.md. */
export function benchCommand(): Command {
  const bench = strictCommand('bench').description(
    'Benchmarks against a child server on a temporary DATA_DIR (or --url); `report` runs the standard set',
  );
  for (const definition of SCENARIOS) {
    const command = strictCommand(definition.name, `bench ${definition.name}`).description(definition.description);
    for (const o of definition.options) command.option(`--${o.name} <value>`, o.description, o.default);
    command
      .option('--url <url>', 'measure this running server instead of starting one')
      .option('--data-dir <dir>', "with --url: that server's DATA_DIR, to populate it; otherwise the child's DATA_DIR")
      .option('--password <p>', 'password of the generated users', 'password')
      .option('--seed <n>', 'seed of the random graph and samples', '1')
      .option('--json <file>', 'also write the result as JSON')
      .option('--profile <dir>', 'run the child server with --cpu-prof, writing the profile to this folder')
      .option(
        '--node-args <flags>',
        'node/V8 flags for the child server, space-separated, after its heap flags (so they override them)',
      )
      .option(
        '--server-out <file>',
        "append the child server's stdout and stderr (its log, --trace-gc lines) to this file",
      )
      .action(async (flags: TargetFlags & Record<string, string | undefined>, self: Command) => {
        const given = new Set(
          definition.options.map((o) => o.key).filter((k) => self.getOptionValueSource(k) !== 'default'),
        );
        const params = definition.parse(flags, given);
        const result = await definition.run(params, targetOptions(flags));
        finish(result, flags.json);
      });
    bench.addCommand(command);
  }

  const report = strictCommand('report', 'bench report')
    .description('Run the standard set (a few minutes) and write docs/benchmarks.{md,json} and SVG charts')
    .option('--out <dir>', 'where to write the report', 'docs')
    .option('--password <p>', 'password of the generated users', 'password')
    .option('--seed <n>', 'seed of the random graphs and samples', '1')
    .option('--quick', 'tiny sizes and short runs: checks the pipeline, the figures mean nothing')
    .option('--no-million', 'skip the 1,000,000-follower fan-out')
    .action(async (flags: { out: string; password: string; seed: string; quick?: boolean; million: boolean }) => {
      const target = targetOptions(flags);
      if (!existsSync(resolve(flags.out))) throw new UsageError(`--out ${flags.out}: no such folder`);
      const results = await runReport({
        outDir: resolve(flags.out),
        quick: flags.quick === true,
        million: flags.million,
        target,
      });
      if (results.some((r) => r.results.errors > 0)) process.exitCode = 1;
    });
  bench.addCommand(report);
  return bench;
}

function targetOptions(flags: Omit<TargetFlags, 'url' | 'dataDir'> & Partial<TargetFlags>): TargetOptions {
  if (flags.password.length < 8) throw new UsageError('--password must be at least 8 characters');
  if (flags.profile !== undefined && flags.url !== undefined) {
    throw new UsageError('--profile needs a server started by the bench, not --url');
  }
  if (flags.json !== undefined && !existsSync(dirname(resolve(flags.json)))) {
    throw new UsageError(`--json ${flags.json}: its folder does not exist`);
  }
  return {
    url: flags.url,
    dataDir: flags.dataDir === undefined ? undefined : resolve(flags.dataDir),
    password: flags.password,
    seed: parseWhole(flags.seed, '--seed', 0, 2 ** 32 - 1),
    nodeArgs: childNodeArgs(flags),
    serverOut: flags.serverOut === undefined ? undefined : resolve(flags.serverOut),
    log,
  };
}

/** The child server's extra node flags: --profile's, then --node-args (e.g. a GC setting tried on the same build). */
function childNodeArgs(flags: Partial<TargetFlags>): string[] | undefined {
  const args = flags.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(flags.profile)];
  if (flags.nodeArgs !== undefined && flags.url !== undefined) {
    throw new UsageError('--node-args needs a server started by the bench, not --url');
  }
  args.push(...(flags.nodeArgs ?? '').split(' ').filter((arg) => arg !== ''));
  return args.length ? args : undefined;
}

function finish(result: ScenarioResult, json: string | undefined): void {
  console.log(formatResult(result));
  if (json !== undefined) writeFileSync(resolve(json), `${JSON.stringify(result, null, 2)}\n`);
  if (result.results.errors > 0) {
    log(`${result.results.errors} error(s) counted: see "errors" above`);
    process.exitCode = 1;
  }
}

/** Runs `tweeter bench` (the bench package's bin): usage mistakes exit with status 2 and one line. */
export async function runBenchCli(argv: string[]): Promise<void> {
  await runProgram(benchCommand(), argv, 'tweeter bench');
}
