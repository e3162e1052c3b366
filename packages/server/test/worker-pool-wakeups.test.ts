import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger as silent, sqliteQueueOnWriter, type QueueOnWriter } from './support/sqlite-queue-on-writer.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { systemClock } from '../src/ports/clock.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import { WorkerPool } from '../src/jobs/worker-pool.js';
import type { JobQueue } from '../src/ports/job-queue.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Two loops over the SQLite queue as the job thread runs them: every receive is a request of the one writer.
describe('WorkerPool: a ready signal wakes one loop (SQLite)', () => {
  let file: QueueOnWriter;
  let queue: JobQueue;
  /** Receives (with or without acks) by whether they found jobs. */
  let receives: { empty: number; found: number };
  let pool: WorkerPool | null;

  beforeEach(() => {
    receives = { empty: 0, found: 0 };
    file = sqliteQueueOnWriter('tweeter-wakeups-', (method, value) => {
      if ((method === 'receive' || method === 'ackAndReceive') && Array.isArray(value)) {
        if (value.length === 0) receives.empty += 1;
        else receives.found += 1;
      }
    });
    queue = file.queue;
    pool = null;
  });

  afterEach(async () => {
    await pool?.stop();
    await file.close();
  });

  function start(processor: JobProcessor, pollMs: number, ackLingerMs?: number): WorkerPool {
    pool = new WorkerPool(queue, [processor], {
      concurrency: 2,
      visibilityMs: 30_000,
      pollMs,
      batchSize: 8,
      logger: silent,
      ...(ackLingerMs === undefined ? {} : { ackLingerMs }),
    });
    pool.start();
    return pool;
  }

  it('sends no receive from the loop the signal did not wake: one empty receive a job (its ack), not two', async () => {
    let ran = 0;
    // A poll far longer than the test: every receive after the first two comes from a signal.
    const started = start({ jobs: ['wake.one'], perform: async () => void (ran += 1) }, 60_000);
    while (receives.empty < 2) await pause(5); // each loop's first receive, before any job
    const jobs = 12;
    for (let n = 0; n < jobs; n += 1) {
      await queue.enqueue([{ name: 'wake.one', payload: { n } }]);
      await started.drain(10_000);
      await pause(10);
    }
    expect(ran).toBe(jobs);
    // Each job: one receive that found it, then the receive its ack rides on, which finds nothing. Waking both
    // loops made it two empty receives a job.
    expect(receives.found).toBe(jobs);
    expect(receives.empty).toBeLessThanOrEqual(2 + jobs);
  });

  it('a loop holding acks waits for the next signal: the acks ride on the receive that takes the next job', async () => {
    let ran = 0;
    // Poll and linger far longer than the test: a receive comes only from a signal, so none finds nothing.
    const started = start({ jobs: ['wake.linger'], perform: async () => void (ran += 1) }, 60_000, 60_000);
    while (receives.empty < 2) await pause(5); // each loop's first receive, before any job
    const jobs = 12;
    for (let n = 0; n < jobs; n += 1) {
      await queue.enqueue([{ name: 'wake.linger', payload: { n } }]);
      while (ran === n) await pause(2);
      await pause(10);
      // The job ran and its ack is held (it is still in flight), with no receive right after it.
      expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 1 });
    }
    expect(receives).toEqual({ empty: 2, found: jobs });
    // Stopping writes the last job's ack.
    await started.stop();
    expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    expect(ran).toBe(jobs);
  });

  it('a loop holding acks receives after the linger when no signal comes: the job leaves the queue', async () => {
    let ran = 0;
    const started = start({ jobs: ['wake.alone'], perform: async () => void (ran += 1) }, 60_000, 30);
    while (receives.empty < 2) await pause(5);
    await queue.enqueue([{ name: 'wake.alone', payload: {} }]);
    await started.drain(10_000);
    expect(ran).toBe(1);
    expect(receives).toEqual({ empty: 3, found: 1 });
  });

  it('still runs a backlog on every loop: a loop whose batch came back full wakes the next', async () => {
    let running = 0;
    let most = 0;
    let ran = 0;
    const slow: JobProcessor = {
      jobs: ['wake.backlog'],
      perform: async () => {
        running += 1;
        most = Math.max(most, running);
        await pause(10);
        running -= 1;
        ran += 1;
      },
    };
    const started = start(slow, 60_000);
    while (receives.empty < 2) await pause(5);
    await queue.enqueue(Array.from({ length: 40 }, (_, n) => ({ name: 'wake.backlog', payload: { n } })));
    await started.drain(20_000);
    expect(ran).toBe(40);
    expect(most).toBe(2);
  });

  it('a job enqueued with no signal (another process on the file) is received at the next poll', async () => {
    let ran = 0;
    const started = start({ jobs: ['wake.silent'], perform: async () => void (ran += 1) }, 50);
    // Straight into the table through a second connection, as another process would: this process hears nothing.
    const other = openDatabase(file.path);
    try {
      const otherQueue = createSqliteJobQueue(other, {
        clock: systemClock,
        signal: new ReadySignal(),
        retry: { maxAttempts: 3, backoffBaseMs: 5, maxBackoffMs: 20 },
      });
      await otherQueue.enqueue([{ name: 'wake.silent', payload: {} }]);
    } finally {
      other.close();
    }
    await started.drain(10_000);
    expect(ran).toBe(1);
  });
});
