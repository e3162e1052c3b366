import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFORMANCE_DIR_ENV } from './support/openapi-conformance.js';

// Tests that spawn the real server process (crash/restart, CLI) or the bench run the compiled build: make it current.
export default function setup(): () => void {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/server', 'packages/bench'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // Test processes add the number of responses they checked against the OpenAPI document here; summed at the end.
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-conformance-'));
  process.env[CONFORMANCE_DIR_ENV] = dir;
  return () => {
    const counts = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
    const total = counts.reduce((sum, n) => sum + Number(n), 0);
    console.log(`OpenAPI conformance: ${total} responses checked against the document`);
    rmSync(dir, { recursive: true, force: true });
  };
}
