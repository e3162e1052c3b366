#!/usr/bin/env -S node --min-semi-space-size=32 --max-semi-space-size=32 --no-memory-reducer
// Those node flags are the server's heap flags (src/runtimes/node/heap-flags.ts says why; a test keeps them equal).
// The `tweeter` command. Runs the compiled server (npm run build, or npm start, compiles it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('tweeter: not built yet: run `npm run build` in the repository first');
  process.exit(2);
}
const { runCli } = await import(main.href);
await runCli(process.argv);
