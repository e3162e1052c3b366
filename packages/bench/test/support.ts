import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bench's own command (the compiled package: the tests' global setup builds it). */
export const BENCH_BIN = fileURLToPath(new URL('../bin/tweeter-bench.js', import.meta.url));

/**
 * The environment of bench runs in tests (the child server inherits it): cheap password hashing for the many
 * sign-ins, quick job polling, quiet logs. Nothing here changes what a scenario measures, only how long set-up takes.
 */
export const BENCH_TEST_ENV: Record<string, string> = {
  LOG_LEVEL: 'silent',
  SCRYPT_COST: '1024',
  JOB_POLL_MS: '20',
  PASSWORD_HASH_QUEUE: '10000',
  REGISTER_MAX_PER_ADDRESS: '100000',
  LOGIN_ALIAS_DELAY_MAX_MS: '0',
};

export interface BenchRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tweeter bench ...args` to completion (killed after 90 s: a hung run fails the test, it does not hang it). */
export function runBench(args: readonly string[], env: Record<string, string> = {}): Promise<BenchRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH_BIN, ...args], {
      env: { ...process.env, ...BENCH_TEST_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
