import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SERVER_NODE_FLAGS, UsageError, childEnvironment } from '@tweeter/server/tooling';

/** The server a scenario measures: a child process it started, or one already running (`--url`). */
export interface BenchServer {
  url: string;
  /** The server's DATA_DIR when known (population writes there); null for a server we only know by URL. */
  dataDir: string | null;
  /** The child's process id (its CPU is read from /proc); null for a server we only know by URL. */
  pid: number | null;
  /** Stops the child (SIGTERM, graceful); does nothing for a server we did not start. */
  stop(): Promise<void>;
  /** Kills the child at once (SIGKILL, as a crash would) and resolves when it is gone; throws for a server by URL. */
  kill(): Promise<void>;
}

export class BenchError extends Error {
  override name = 'BenchError';
}

// The `tweeter` command of the installed @tweeter/server (a workspace link in this repository).
const BIN = join(dirname(createRequire(import.meta.url).resolve('@tweeter/server/package.json')), 'bin', 'tweeter.js');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs `tweeter serve` as a child process on a free port over `dataDir` and resolves once it logs its URL.
 * The child inherits this environment (FANOUT_*, WORKER_CONCURRENCY... apply) with `env` over it, and LOG_LEVEL=info
 * so it logs its URL.
 */
export async function startChildServer(options: {
  dataDir: string;
  nodeArgs?: string[];
  /** A file to append the child's stdout and stderr to, as they come. */
  out?: string;
  /** Settings for this server only (e.g. FANOUT_PULL_THRESHOLD), over the inherited environment. */
  env?: Readonly<Record<string, string>>;
}): Promise<BenchServer> {
  // As `npm start` runs it: node with the server's heap flags, then the `tweeter` command (one process, its pid).
  const args = [...SERVER_NODE_FLAGS, ...(options.nodeArgs ?? []), BIN, 'serve'];
  const child = spawn(process.execPath, args, {
    // Per-user write budgets would throttle the load generator's few authors: benchmarks measure without them.
    env: childEnvironment({
      ...options.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
      WRITE_RATE_LIMITS: 'off',
    }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const tail = new OutputTail();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Always drain the pipes: a child blocked on a full stdout pipe would stall in the middle of a measurement.
  child.stderr.on('data', (chunk: Buffer) => tail.add(chunk));
  if (options.out !== undefined) {
    const file = createWriteStream(options.out, { flags: 'a' });
    child.stdout.pipe(file, { end: false });
    child.stderr.pipe(file, { end: false });
  }
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchError(`server did not start:\n${tail.text()}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      tail.add(chunk);
      const m = /"url":"(http:\/\/[^"]+)"/.exec(tail.text());
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new BenchError(`server exited with ${code} before listening:\n${tail.text()}`));
    });
  });
  return {
    url,
    dataDir: options.dataDir,
    pid: child.pid ?? null,
    stop: () => stopChild(child, exited, tail),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function stopChild(
  child: ChildProcessWithoutNullStreams,
  exited: Promise<number | null>,
  tail: OutputTail,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const code = await exited;
  clearTimeout(timer);
  if (code !== 0) throw new BenchError(`server exited with ${code}:\n${tail.text()}`);
}

/** A server that is already running: checks that it answers /healthz. */
export async function attachServer(url: string, dataDir: string | null): Promise<BenchServer> {
  let base: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
    base = parsed.origin;
  } catch {
    throw new UsageError(`--url must be an http(s) URL like http://127.0.0.1:8080, got "${url}"`);
  }
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
  } catch (err) {
    throw new UsageError(`--url ${base} is not reachable: ${describe(err)}`);
  }
  return {
    url: base,
    dataDir,
    pid: null,
    stop: async () => {},
    kill: () => Promise.reject(new UsageError('cannot kill a server known only by --url')),
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/** The last few KB of a child's output, for error messages. */
class OutputTail {
  private buffer = '';
  add(chunk: Buffer): void {
    this.buffer = (this.buffer + chunk.toString()).slice(-8192);
  }
  text(): string {
    return this.buffer;
  }
}
