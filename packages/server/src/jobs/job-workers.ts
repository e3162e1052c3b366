import { performance } from 'node:perf_hooks';
import type { JobQueue } from '../ports/job-queue.js';
import type { WorkerPool } from './worker-pool.js';

/** Where the job workers of this process run, and whether they are all up. */
export interface WorkersHealth {
  /** `threads`: in worker threads of their own; `main`: on the thread that answers HTTP. */
  layout: 'main' | 'threads';
  /** False while a job thread is down (crashed, its restart pending): jobs wait for it. */
  ok: boolean;
  /** Job threads restarted after a crash since start. */
  restarts: number;
}

/** The job workers of a server process, wherever they run. */
export interface JobWorkers {
  /** Starts receiving and running jobs. */
  start(): void;
  /** Stops receiving and resolves once the jobs already received have finished. */
  stop(): Promise<void>;
  /** Resolves when the queue holds no ready, in-flight or delayed jobs; rejects after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  health(): WorkersHealth;
}

/** The pool on this thread (JOB_THREADS=0, and the AWS shape's local runs). */
export function workersOnThisThread(pool: WorkerPool): JobWorkers {
  return {
    start: () => pool.start(),
    stop: () => pool.stop(),
    drain: (timeoutMs) => pool.drain(timeoutMs),
    health: () => ({ layout: 'main', ok: true, restarts: 0 }),
  };
}

const DRAIN_CHECK_MS = 10;

/** Resolves when `queue` holds no ready, in-flight or delayed jobs (whoever runs them); rejects after `timeoutMs`. */
export async function waitUntilDrained(queue: JobQueue, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await queue.stats();
    if (stats.ready + stats.inFlight + stats.delayed === 0) return;
    if (performance.now() >= deadline) {
      throw new Error(
        `queue not drained after ${timeoutMs} ms: ${stats.ready} ready, ${stats.inFlight} in flight, ${stats.delayed} delayed`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
  }
}
