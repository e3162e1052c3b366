import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import { WorkerPool, type LoggerLike, type WorkerPoolOptions } from '../src/jobs/worker-pool.js';
import { systemClock } from '../src/ports/clock.js';
import type { Job, JobQueue } from '../src/ports/job-queue.js';

const quiet: LoggerLike = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// The pool's leases follow its work: a job is hidden while the pool holds it, however long it runs, and the jobs of
// a batch it will not start are handed back at once.
describe('WorkerPool leases over the SQLite queue', () => {
  const retry = { maxAttempts: 3, backoffBaseMs: 5, maxBackoffMs: 20 };
  let dir: string;
  let db: Db;
  let queue: JobQueue;
  let pools: WorkerPool[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
    db = openDatabase(join(dir, 'queue.db'));
    queue = createSqliteJobQueue(db, { clock: systemClock, signal: new ReadySignal(), retry });
    pools = [];
  });

  afterEach(async () => {
    await Promise.all(pools.map((pool) => pool.stop()));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function createPool(processors: readonly JobProcessor[], options: Partial<WorkerPoolOptions> = {}): WorkerPool {
    const pool = new WorkerPool(queue, processors, {
      concurrency: 2,
      visibilityMs: 30_000,
      pollMs: 10,
      batchSize: 5,
      logger: quiet,
      ...options,
    });
    pools.push(pool);
    return pool;
  }

  it('keeps a job that runs longer than its visibility timeout hidden from the other loops: it runs once', async () => {
    const visibilityMs = 200;
    let runs = 0;
    const pool = createPool(
      [
        {
          jobs: ['test.long'],
          perform: async () => {
            runs += 1;
            // Five visibility timeouts: without renewals another loop would take it after the first.
            await new Promise((resolve) => setTimeout(resolve, 5 * visibilityMs));
          },
        },
      ],
      { visibilityMs, batchSize: 1, concurrency: 3 },
    );
    pool.start();
    await queue.enqueue([{ name: 'test.long', payload: {} }]);
    await pool.drain(20_000);
    expect(runs).toBe(1);
    expect(await queue.listDead({ limit: 10 })).toEqual([]);
  });

  it('stop() finishes the job in progress and gives back the jobs of its batch not started', async () => {
    const running = signal();
    const finish = signal();
    const ran: unknown[] = [];
    const pool = createPool(
      [
        {
          jobs: ['test.batch'],
          perform: async (job: Job) => {
            ran.push(job.payload['n']);
            running.resolve();
            await finish.promise;
          },
        },
      ],
      { concurrency: 1, batchSize: 5 },
    );
    await queue.enqueue([1, 2, 3, 4, 5].map((n) => ({ name: 'test.batch', payload: { n } })));
    pool.start();
    await running.promise;
    const stopped = pool.stop();
    finish.resolve();
    await stopped;
    expect(ran).toEqual([1]);
    // The four it never started are ready now (not hidden for their 30 s), with the attempt given back.
    expect(await queue.stats()).toMatchObject({ ready: 4, inFlight: 0 });
    const again = await queue.receive({ max: 10, visibilityMs: 30_000 });
    expect(again.map((job) => [job.payload['n'], job.attempts])).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
  });

  it('runs a job whose receive took longer than its visibility, once it has proved the lease is still its own', async () => {
    const visibilityMs = 100;
    const slow: JobQueue = {
      ...queue,
      receive: async (options) => {
        const jobs = await queue.receive(options);
        // As a long poll that returns late: by the pool's reckoning these leases have run out.
        if (jobs.length > 0) await new Promise((resolve) => setTimeout(resolve, 3 * visibilityMs));
        return jobs;
      },
    };
    const attempts: number[] = [];
    const pool = new WorkerPool(
      slow,
      [{ jobs: ['test.late'], perform: async (job) => void attempts.push(job.attempts) }],
      {
        concurrency: 1,
        visibilityMs,
        pollMs: 10,
        batchSize: 5,
        logger: quiet,
      },
    );
    pools.push(pool);
    pool.start();
    await queue.enqueue([{ name: 'test.late', payload: {} }]);
    await pool.drain(20_000);
    // Run on its first delivery: not skipped and left to come back with an attempt burnt.
    expect(attempts).toEqual([1]);
  });

  it('receives a batch for one job visibility, not one per job in it', async () => {
    const seen: number[] = [];
    const watched: JobQueue = {
      ...queue,
      receive: async (options) => {
        seen.push(options.visibilityMs);
        return queue.receive(options);
      },
    };
    const done = signal();
    const pool = new WorkerPool(watched, [{ jobs: ['test.one'], perform: async () => done.resolve() }], {
      concurrency: 1,
      visibilityMs: 30_000,
      pollMs: 10,
      batchSize: 8,
      logger: quiet,
    });
    pools.push(pool);
    pool.start();
    await queue.enqueue([{ name: 'test.one', payload: {} }]);
    await done.promise;
    expect(new Set(seen)).toEqual(new Set([30_000]));
  });
});
