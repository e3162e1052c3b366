import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startAwsLocalShape, testShape } from './aws-local.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

// Both layouts of the embedded shape: jobs on the HTTP thread (JOB_THREADS=0) and in a job thread of their own (1).
// On aws-local the jobs always run on the server's thread (job threads are a SQLite setting).
export const crashLayouts: readonly string[] = testShape() === 'aws-local' ? ['0'] : ['0', '1'];

/** A server child process a test kills and restarts over the same data. */
export interface CrashServer {
  /**
   * A fresh DATA_DIR (and on aws-local, the emulators in this process, which the servers use): the servers'
   * environment. Jobs go in small batches (`batchSize`, `pauseMs` after each) so a kill lands in the middle of
   * them, with short leases so the restarted server takes back what the killed one held.
   */
  prepare(jobs: { threads: string; batchSize: number; pauseMs: number }): Promise<Record<string, string>>;
  /** Starts `tweeter serve` on `env` and waits until it listens. */
  start(env: Record<string, string>): Promise<ServerProcess>;
  /** The running server's URL ('' when none runs). */
  url(): string;
  /** SIGKILLs the running server, as a crash would, and waits until it is gone. */
  crash(): Promise<void>;
}

/** Kills the server, stops the emulators and removes the DATA_DIR after each test of the file. */
export function useCrashServer(prefix: string): CrashServer {
  let dataDir: string | undefined;
  let server: ServerProcess | undefined;
  let shape: Awaited<ReturnType<typeof startAwsLocalShape>> | null = null;

  afterEach(async () => {
    await server?.kill('SIGKILL');
    server = undefined;
    await shape?.stop();
    shape = null;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  return {
    async prepare(jobs) {
      dataDir = mkdtempSync(join(tmpdir(), prefix));
      shape = testShape() === 'aws-local' ? await startAwsLocalShape({}) : null;
      return {
        DATA_DIR: dataDir,
        FANOUT_PAGE_SIZE: '100',
        FANOUT_BATCH_SIZE: String(jobs.batchSize),
        FANOUT_BATCH_PAUSE_MS: String(jobs.pauseMs),
        JOB_VISIBILITY_MS: '500',
        JOB_THREADS: jobs.threads,
        ...shape?.env,
      };
    },
    async start(env) {
      server = await startServerProcess(env);
      return server;
    },
    url: () => server?.url ?? '',
    async crash() {
      await server?.kill('SIGKILL');
      server = undefined;
    },
  };
}

/** Signs in through the API; the session token. */
export async function signIn(url: string, alias: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ alias, password }),
  });
  return ((await res.json()) as { token: string }).token;
}
