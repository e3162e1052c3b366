import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { GROUP_COMMIT } from '../src/adapters/sqlite/open.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { routeWrites } from '../src/adapters/sqlite/write-routing.js';
import { SqliteWriter } from '../src/adapters/sqlite/writer.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import { WorkerPool, type LoggerLike } from '../src/jobs/worker-pool.js';
import { systemClock } from '../src/ports/clock.js';
import type { Job, JobQueue } from '../src/ports/job-queue.js';

const silent: LoggerLike = { info: () => undefined, warn: () => undefined, error: () => undefined };

// The pool over the SQLite queue as the job thread runs it: every queue write is a request of the one writer.
describe('WorkerPool: acks ride on the next receive (SQLite)', () => {
  const retry = { maxAttempts: 3, backoffBaseMs: 5, maxBackoffMs: 20 };
  let dir: string;
  let db: Db;
  let writer: SqliteWriter;
  let queue: JobQueue;
  let requests: Map<string, number>;
  let pools: WorkerPool[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-acks-'));
    db = openDatabase(join(dir, 'queue.db'));
    const signal = new ReadySignal();
    const plainQueue = createSqliteJobQueue(db, { clock: systemClock, signal, retry });
    const store = createSqliteStore(db, { clock: systemClock, signal });
    writer = new SqliteWriter(db, GROUP_COMMIT);
    requests = new Map();
    queue = routeWrites(store, plainQueue, (target, method, _args, priority, call) => {
      const name = `${target}.${method}`;
      requests.set(name, (requests.get(name) ?? 0) + 1);
      return writer.submit(priority, call);
    }).queue;
    pools = [];
  });

  afterEach(async () => {
    await Promise.all(pools.map((pool) => pool.stop()));
    await writer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function createPool(
    processors: readonly JobProcessor[],
    on: JobQueue = queue,
    visibilityMs = 30_000,
  ): { pool: WorkerPool; ok: string[] } {
    const ok: string[] = [];
    const pool = new WorkerPool(on, processors, {
      concurrency: 2,
      visibilityMs,
      pollMs: 20,
      batchSize: 8,
      logger: silent,
      metrics: { onJob: (name, outcome) => outcome === 'ok' && ok.push(name) },
    });
    pools.push(pool);
    return { pool, ok };
  }

  const counting = (runs: Map<string, number>) => (job: Job) => {
    const key = String(job.payload['n']);
    runs.set(key, (runs.get(key) ?? 0) + 1);
    return Promise.resolve();
  };

  it('runs every job once and writes no ack of its own: each is written with the receive that follows', async () => {
    const runs = new Map<string, number>();
    const single: JobProcessor = { jobs: ['acks.single'], perform: counting(runs) };
    const batched: JobProcessor = {
      jobs: ['acks.batch'],
      perform: counting(runs),
      performBatch: async (jobs) => {
        for (const job of jobs) await counting(runs)(job);
        return jobs.map(() => ({ ok: true }));
      },
    };
    const { pool, ok } = createPool([single, batched]);
    pool.start();
    for (let n = 0; n < 30; n += 1) {
      await queue.enqueue([{ name: n % 3 === 0 ? 'acks.single' : 'acks.batch', payload: { n } }]);
      if (n % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await pool.drain(20_000);
    expect([...runs.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 30 }, (_, n) => String(n)),
    );
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(ok).toHaveLength(30);
    expect(requests.get('queue.ack') ?? 0).toBe(0);
    expect(requests.get('queue.ackBatch') ?? 0).toBe(0);
    expect(requests.get('queue.ackAndReceive') ?? 0).toBeGreaterThan(0);
  });

  it('writes the acks it holds when it stops', async () => {
    let ran = 0;
    const { pool, ok } = createPool([{ jobs: ['acks.stop'], perform: async () => void (ran += 1) }]);
    pool.start();
    await queue.enqueue([{ name: 'acks.stop', payload: {} }]);
    while (ran === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await pool.stop();
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    expect(ok).toEqual(['acks.stop']);
  });

  it('a job whose ack could not be written runs again once its lease lapses', async () => {
    let failures = 1;
    const flaky: JobQueue = {
      ...queue,
      ackAndReceive: (acks, options) => {
        if (acks.length > 0 && failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('the write failed'));
        }
        return queue.ackAndReceive?.(acks, options) ?? queue.receive(options);
      },
    };
    let runs = 0;
    const { pool } = createPool([{ jobs: ['acks.flaky'], perform: async () => void (runs += 1) }], flaky, 300);
    pool.start();
    await queue.enqueue([{ name: 'acks.flaky', payload: {} }]);
    await pool.drain(20_000);
    expect(runs).toBe(2);
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, dead: 0 });
  });
});
