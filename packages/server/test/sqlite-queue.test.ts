import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import type { Db } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { systemClock } from '../src/ports/clock.js';
import { retryDelayMs } from '../src/ports/job-queue.js';
import type { JobQueue, QueueRetryPolicy } from '../src/ports/job-queue.js';
import { runQueueContract } from './contract/queue-contract.js';
import type { ManualClock } from './support/manual-clock.js';

async function createFileQueue(
  retry: QueueRetryPolicy,
  clock: ManualClock | null,
): Promise<{ queue: JobQueue; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
  const db = openDatabase(join(dir, 'queue.db'));
  const queue = createSqliteJobQueue(db, { clock: clock ?? systemClock, signal: new ReadySignal(), retry });
  return {
    queue,
    cleanup: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The queue as the job-thread layout (JOB_THREADS=1) uses it: jobs are enqueued, counted, listed and redriven on the
 * server's connection, and received, acked and failed on a second connection to the same file (the job thread's),
 * which the first one's ready signal wakes.
 */
async function createSplitQueue(
  retry: QueueRetryPolicy,
  clock: ManualClock | null,
): Promise<{ queue: JobQueue; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
  const [main, worker] = [openDatabase(join(dir, 'queue.db')), openDatabase(join(dir, 'queue.db'))];
  const options = { clock: clock ?? systemClock, retry };
  const server = createSqliteJobQueue(main, { ...options, signal: new ReadySignal() });
  const jobs = createSqliteJobQueue(worker, { ...options, signal: new ReadySignal() });
  const queue: JobQueue = {
    enqueue: (requests) => server.enqueue(requests),
    stats: () => server.stats(),
    listDead: (options) => server.listDead(options),
    redrive: (ids) => server.redrive(ids),
    onReady: (listener) => server.onReady?.(listener) ?? (() => undefined),
    receive: (options) => jobs.receive(options),
    ack: (job) => jobs.ack(job),
    fail: (job, error) => jobs.fail(job, error),
    extend: (held, visibilityMs) => jobs.extend(held, visibilityMs),
    release: (held) => jobs.release(held),
  };
  return {
    queue,
    cleanup: async () => {
      main.close();
      worker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Both layouts: one connection (JOB_THREADS=0), and the server's and a job thread's connections (JOB_THREADS=1).
for (const [layout, create] of [
  ['JOB_THREADS=0', createFileQueue],
  ['JOB_THREADS=1', createSplitQueue],
] as const) {
  const manualRetry: QueueRetryPolicy = { maxAttempts: 4, backoffBaseMs: 1_000, maxBackoffMs: 5_000 };
  runQueueContract({
    name: `sqlite (${layout}), manual clock`,
    manualClock: true,
    retry: manualRetry,
    create: ({ clock }) => create(manualRetry, clock),
  });

  // The real-time mode is what an emulator-backed adapter runs; proving it here keeps the suite itself honest.
  const realRetry: QueueRetryPolicy = { maxAttempts: 3, backoffBaseMs: 100, maxBackoffMs: 300 };
  runQueueContract({
    name: `sqlite (${layout}), real time`,
    manualClock: false,
    retry: realRetry,
    visibilityMs: 250,
    create: () => create(realRetry, null),
  });
}

describe('retryDelayMs', () => {
  const policy: QueueRetryPolicy = { maxAttempts: 10, backoffBaseMs: 100, maxBackoffMs: 1_000 };

  it('stays between half the base and the exponential cap', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 1, () => 0.9999)).toBe(100);
    expect(retryDelayMs(policy, 3, () => 0.9999)).toBe(400);
    expect(retryDelayMs(policy, 9, () => 0.9999)).toBe(1_000);
    expect(retryDelayMs(policy, 9, () => 0.25)).toBe(250);
  });
});

describe('sqlite queue: concurrent receivers on one file', () => {
  const retry: QueueRetryPolicy = { maxAttempts: 3, backoffBaseMs: 100, maxBackoffMs: 1_000 };
  let dir: string;
  let file: string;
  let dbs: Db[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
    file = join(dir, 'queue.db');
    dbs = [];
  });

  afterEach(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function connect(): JobQueue {
    const db = openDatabase(file);
    dbs.push(db);
    return createSqliteJobQueue(db, { clock: systemClock, signal: new ReadySignal(), retry });
  }

  it('two connections in one process never take the same job', async () => {
    const producer = connect();
    const receivers = [connect(), connect()];
    const total = 500;
    await producer.enqueue(Array.from({ length: total }, (_, n) => ({ name: 'concurrent', payload: { n } })));

    const taken = await Promise.all(
      receivers.map(async (queue) => {
        const ids: string[] = [];
        for (;;) {
          const jobs = await queue.receive({ max: 7, visibilityMs: 600_000 });
          if (jobs.length === 0) return ids;
          ids.push(...jobs.map((job) => job.id));
        }
      }),
    );
    expect(taken.every((ids) => ids.length > 0)).toBe(true);
    const all = taken.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
  });

  it('two threads receiving at the same time never take the same job', async () => {
    const producer = connect();
    const total = 3_000;
    await producer.enqueue(Array.from({ length: total }, (_, n) => ({ name: 'concurrent', payload: { n } })));

    // Real parallelism needs threads, and threads load the compiled build (made current by the global setup).
    const dist = new URL('../dist/adapters/sqlite/', import.meta.url).href;
    const workers = [0, 1].map(
      () =>
        new Worker(RECEIVER_THREAD, {
          eval: true,
          workerData: { dist, file, retry },
        }),
    );
    try {
      const ready = workers.map((worker) => nextMessage(worker));
      await Promise.all(ready);
      const results = workers.map((worker) => nextMessage(worker));
      for (const worker of workers) worker.postMessage('go');
      const taken = (await Promise.all(results)) as string[][];
      const all = taken.flat();
      expect(all).toHaveLength(total);
      expect(new Set(all).size).toBe(total);
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  });
});

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const RECEIVER_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { openDatabase } = await import(workerData.dist + 'database.js');
  const { createSqliteJobQueue } = await import(workerData.dist + 'job-queue.js');
  const { ReadySignal } = await import(workerData.dist + 'jobs-table.js');
  const db = openDatabase(workerData.file);
  const queue = createSqliteJobQueue(db, {
    clock: { now: () => Date.now() },
    signal: new ReadySignal(),
    retry: workerData.retry,
  });
  parentPort.once('message', async () => {
    const ids = [];
    for (;;) {
      const jobs = await queue.receive({ max: 5, visibilityMs: 600000 });
      if (jobs.length === 0) break;
      for (const job of jobs) ids.push(job.id);
    }
    db.close();
    parentPort.postMessage(ids);
  });
  parentPort.postMessage('ready');
})();
`;
