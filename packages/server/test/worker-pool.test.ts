import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import type { Db } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import { WorkerPool } from '../src/jobs/worker-pool.js';
import type { JobOutcome, LoggerLike, WorkerPoolOptions } from '../src/jobs/worker-pool.js';
import { systemClock } from '../src/ports/clock.js';
import type { Job, JobQueue } from '../src/ports/job-queue.js';

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function memoryLogger(entries: LogEntry[]): LoggerLike {
  return {
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}

function processor(jobs: readonly string[], perform: (job: Job) => Promise<void>): JobProcessor {
  return { jobs, perform };
}

describe('WorkerPool over the SQLite queue', () => {
  const retry = { maxAttempts: 3, backoffBaseMs: 5, maxBackoffMs: 20 };
  let dir: string;
  let db: Db;
  let queue: JobQueue;
  let logs: LogEntry[];
  let outcomes: { name: string; outcome: JobOutcome }[];
  let pools: WorkerPool[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
    db = openDatabase(join(dir, 'queue.db'));
    queue = createSqliteJobQueue(db, { clock: systemClock, signal: new ReadySignal(), retry });
    logs = [];
    outcomes = [];
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
      pollMs: 20,
      batchSize: 5,
      logger: memoryLogger(logs),
      metrics: { onJob: (name, outcome) => outcomes.push({ name, outcome }) },
      ...options,
    });
    pools.push(pool);
    return pool;
  }

  it('runs every job exactly once', async () => {
    const runs = new Map<string, number>();
    const count = (job: Job): Promise<void> => {
      const key = `${job.name}:${String(job.payload['n'])}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
      return Promise.resolve();
    };
    const pool = createPool([processor(['test.a', 'test.b'], count), processor(['test.c'], count)], {
      concurrency: 4,
    });
    pool.start();
    const total = 300;
    const names = ['test.a', 'test.b', 'test.c'];
    await queue.enqueue(Array.from({ length: total }, (_, n) => ({ name: names[n % 3] ?? 'test.a', payload: { n } })));
    await pool.drain(10_000);

    expect(runs.size).toBe(total);
    expect([...runs.values()].every((times) => times === 1)).toBe(true);
    expect(outcomes).toHaveLength(total);
    expect(outcomes.every((entry) => entry.outcome === 'ok')).toBe(true);
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('dead-letters a job that keeps failing, and redrive delivers it again', async () => {
    let failuresLeft = 100;
    let calls = 0;
    const pool = createPool([
      processor(['test.flaky'], async () => {
        calls += 1;
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('downstream unavailable');
        }
      }),
    ]);
    pool.start();
    await queue.enqueue([{ name: 'test.flaky', payload: { id: 7 } }]);
    await pool.drain(10_000);

    expect(calls).toBe(retry.maxAttempts);
    const [dead, ...others] = await queue.listDead({ limit: 10 });
    expect(others).toEqual([]);
    expect(dead).toMatchObject({
      name: 'test.flaky',
      payload: { id: 7 },
      attempts: retry.maxAttempts,
      lastError: 'downstream unavailable',
    });
    expect(outcomes.map((entry) => entry.outcome)).toEqual(['retry', 'retry', 'dead']);
    expect(logs.filter((entry) => entry.level === 'warn')).toHaveLength(retry.maxAttempts - 1);
    expect(logs.filter((entry) => entry.level === 'error')).toHaveLength(1);

    failuresLeft = 0;
    expect(await queue.redrive('all')).toBe(1);
    await pool.drain(10_000);
    expect(calls).toBe(retry.maxAttempts + 1);
    expect(outcomes.at(-1)?.outcome).toBe('ok');
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('acks the jobs of a batch one by one: one failing job retries alone, the others complete once', async () => {
    const runs = new Map<number, number>();
    const attempts: number[] = [];
    const pool = createPool(
      [
        processor(['test.batch'], async (job) => {
          const n = Number(job.payload['n']);
          runs.set(n, (runs.get(n) ?? 0) + 1);
          attempts.push(job.attempts);
          if (n === 3 && job.attempts === 1) throw new Error('one bad job');
        }),
      ],
      { concurrency: 1, batchSize: 8 },
    );
    // Enqueued before the pool starts, so the one loop receives all eight in one batch.
    await queue.enqueue(Array.from({ length: 8 }, (_, n) => ({ name: 'test.batch', payload: { n } })));
    pool.start();
    await pool.drain(10_000);

    expect(attempts.slice(0, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]); // the whole batch ran before the retry
    expect([...runs.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 1],
    ]);
    expect(outcomes.filter((entry) => entry.outcome === 'ok')).toHaveLength(8);
    expect(outcomes.filter((entry) => entry.outcome === 'retry')).toHaveLength(1);
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('dead-letters a job no processor handles', async () => {
    const pool = createPool([processor(['test.known'], () => Promise.resolve())]);
    pool.start();
    await queue.enqueue([{ name: 'test.unknown', payload: {} }]);
    await pool.drain(10_000);
    const [dead] = await queue.listDead({ limit: 10 });
    expect(dead?.name).toBe('test.unknown');
    expect(dead?.lastError).toMatch(/no processor handles the job "test.unknown"/);
  });

  it('stop() waits for the job in flight, then receives nothing more', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finished = 0;
    const pool = createPool([
      processor(['test.slow'], async () => {
        started();
        await released;
        finished += 1;
      }),
    ]);
    pool.start();
    await queue.enqueue([{ name: 'test.slow', payload: {} }]);
    await running;

    // The order of events says it all: stop() may resolve only after the job it waits for has finished.
    const events: string[] = [];
    const stopping = pool.stop().then(() => events.push('stopped'));
    await new Promise((resolve) => setImmediate(resolve));
    events.push('released');
    release();
    await stopping;
    expect(events).toEqual(['released', 'stopped']);
    expect(finished).toBe(1);
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });

    // Every loop has returned, so nothing is left that could take this job.
    await queue.enqueue([{ name: 'test.slow', payload: {} }]);
    expect(await queue.receive({ max: 10, visibilityMs: 30_000 })).toHaveLength(1);
    expect(finished).toBe(1);
  });

  it('starts a new job at once instead of waiting for the next poll', async () => {
    const pollMs = 600_000;
    let ran!: () => void;
    const done = new Promise<void>((resolve) => {
      ran = resolve;
    });
    let emptyReceives = 0;
    const watched: JobQueue = {
      ...queue,
      receive: async (options) => {
        const jobs = await queue.receive(options);
        if (jobs.length === 0) emptyReceives += 1;
        return jobs;
      },
    };
    const pool = new WorkerPool(watched, [processor(['test.now'], async () => ran())], {
      concurrency: 2,
      visibilityMs: 30_000,
      pollMs,
      batchSize: 5,
      logger: memoryLogger(logs),
    });
    pools.push(pool);
    pool.start();
    // Both loops have found the queue empty and gone to sleep for a minute.
    await vi.waitFor(() => expect(emptyReceives).toBe(2));
    await queue.enqueue([{ name: 'test.now', payload: {} }]);
    // Far shorter than pollMs: only the ready signal can have started it in time.
    await done;
  }, 20_000);

  it('picks up delayed jobs by polling', async () => {
    let runs = 0;
    const pool = createPool(
      [
        processor(['test.delayed'], async () => {
          runs += 1;
        }),
      ],
      { pollMs: 10 },
    );
    pool.start();
    await queue.enqueue([{ name: 'test.delayed', payload: {}, delayMs: 30 }]);
    await pool.drain(10_000);
    expect(runs).toBe(1);
  });

  it('drain rejects when the queue does not empty in time', async () => {
    const pool = createPool([processor(['test.idle'], () => Promise.resolve())]);
    await queue.enqueue([{ name: 'test.idle', payload: {} }]);
    await expect(pool.drain(30)).rejects.toThrow(/not drained after 30 ms: 1 ready/);
  });

  it('refuses two processors for one job name', () => {
    const noop = (): Promise<void> => Promise.resolve();
    expect(() => createPool([processor(['test.x', 'test.y'], noop), processor(['test.y'], noop)])).toThrow(
      /two processors handle the job "test.y"/,
    );
  });
});
