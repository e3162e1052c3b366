#!/usr/bin/env node
// `tweeter bench`: the benchmark. Runs the compiled package (`npm run bench` at the repository root compiles it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(main)) {
  console.error('tweeter bench: not built yet: run `npm run bench` (or `npx tsc -b packages/bench`) in the repository');
  process.exit(2);
}
const { runBenchCli } = await import(main.href);
await runBenchCli(process.argv);
