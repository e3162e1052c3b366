import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChildServer, type BenchServer } from '../src/server.js';
import { BENCH_TEST_ENV, runBench } from './support.js';

let root: string | undefined;
let server: BenchServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('tweeter bench, as a command', () => {
  it('fits a default the user did not pass (--readers 16 with --followers 5) but rejects one they typed', async () => {
    const fitted = await runBench(['fanout', '--followers', '5', '--posts', '1', '--spacing-ms', '0', '--verify', '2']);
    expect(fitted.stderr).not.toMatch(/--readers/);
    expect(fitted.status).toBe(0);
    expect(fitted.stdout).toMatch(/^fanout \(/);

    const typed = await runBench(['fanout', '--followers', '5', '--readers', '16']);
    expect(typed.status).toBe(2);
    expect(typed.stderr).toBe('tweeter bench: --readers must be a whole number from 0 to 5, got "16"\n');
  });

  it('--url against a server without the population graph: one line, status 2', async () => {
    root = mkdtempSync(join(tmpdir(), 'tweeter-bench-cli-'));
    server = await startChildServer({ dataDir: root, env: BENCH_TEST_ENV });
    const res = await runBench(['feed', '--url', server.url, '--users', '50']);
    expect(res.status).toBe(2);
    const lines = res.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('bench: '));
    expect(lines).toEqual([
      `tweeter bench: --url ${server.url}: cannot sign in as @user_000050, so the server lacks this scenario's users: ` +
        'run `tweeter populate` with the same sizes on its DATA_DIR, pass --data-dir, or give the right --password',
    ]);
  });
});
