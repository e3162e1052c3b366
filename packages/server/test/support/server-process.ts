import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_ENV } from './test-app.js';

export const BIN = fileURLToPath(new URL('../../bin/tweeter.js', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Runs `tweeter serve` (the compiled build) as a child process and waits until it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    // A server that is slow to start is killed, not left behind as an orphan when the test gives up on it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 60 s:\n${output}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    url,
    child,
    async kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs the `tweeter` CLI to completion. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...TEST_ENV, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking this process (a server the test started keeps answering). */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The `tweeter` CLI to completion, without blocking this process. */
export function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, ...args], { env: { ...process.env, ...TEST_ENV, ...env } });
}

/** Test clean-up: kills a server the test left running and removes its temporary folder. */
export async function cleanUp(server: ServerProcess | undefined, dir: string | undefined): Promise<void> {
  if (server && server.child.exitCode === null && server.child.signalCode === null) await server.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
}
