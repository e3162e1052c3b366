import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger as silent, sqliteQueueOnWriter, type QueueOnWriter } from './support/sqlite-queue-on-writer.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import type { GatherWindow } from '../src/jobs/receive-gather.js';
import { WorkerPool } from '../src/jobs/worker-pool.js';
import type { Job, JobQueue } from '../src/ports/job-queue.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Two loops over the SQLite queue as the job thread runs them: every receive and ack is a request of the one writer.
describe('WorkerPool: at a moderate rate the jobs of several writes share a receive (SQLite)', () => {
  let file: QueueOnWriter;
  let queue: JobQueue;
  let pool: WorkerPool | null;
  /** The jobs of each receive that found some, by payload `n`. */
  let batches: number[][];
  let ran: number[];
  let acks: number;

  beforeEach(() => {
    batches = [];
    ran = [];
    acks = 0;
    file = sqliteQueueOnWriter('tweeter-gather-', (method, value) => {
      if ((method === 'receive' || method === 'ackAndReceive') && Array.isArray(value) && value.length > 0)
        batches.push((value as Job[]).map((job) => (job.payload as { n: number }).n));
      if (method === 'ackBatch') acks += 1;
    });
    queue = file.queue;
    pool = null;
  });

  afterEach(async () => {
    await pool?.stop();
    await file.close();
  });

  const record = (job: Job): void => void ran.push((job.payload as { n: number }).n);
  const processors: JobProcessor[] = [
    {
      jobs: ['gather.plan'],
      perform: async (job) => record(job),
      performBatch: async (jobs) => jobs.map((job) => (record(job), { ok: true as const })),
    },
    { jobs: ['gather.other'], perform: async (job) => record(job) },
  ];

  function start(window: GatherWindow): WorkerPool {
    pool = new WorkerPool(queue, processors, {
      concurrency: 2,
      visibilityMs: 30_000,
      // Far longer than the test: a receive comes from a signal or the window, never from a poll.
      pollMs: 60_000,
      batchSize: 8,
      gather: window,
      logger: silent,
    });
    pool.start();
    return pool;
  }

  // A post's jobs: its fan-out and a job that runs on its own.
  const post = (n: number) => [
    { name: 'gather.plan', payload: { n } },
    { name: 'gather.other', payload: { n: n + 0.5 } },
  ];

  it('jobs queued while the window is open wait for it, on every loop; stop() ends it', async () => {
    const started = start({ jobs: ['gather.plan'], below: 32, ms: 60_000, rideMs: 0, max: 16 });
    await queue.enqueue(post(0));
    while (ran.length < 2) await pause(5);
    await queue.enqueue(post(1));
    await queue.enqueue(post(2));
    await pause(200);
    expect(ran.sort()).toEqual([0, 0.5]);
    expect(await queue.stats()).toMatchObject({ ready: 4 });
    await started.stop();
    expect(await queue.stats()).toMatchObject({ ready: 4, inFlight: 0, dead: 0 });
  });

  it('after the window one receive takes the jobs of every write queued during it, with the acks of the first', async () => {
    const started = start({ jobs: ['gather.plan'], below: 32, ms: 600, rideMs: 0, max: 16 });
    await queue.enqueue(post(0));
    while (ran.length < 2) await pause(5);
    for (const n of [1, 2, 3]) await queue.enqueue(post(n));
    await started.drain(10_000);
    expect(batches).toEqual([
      [0, 0.5],
      [1, 1.5, 2, 2.5, 3, 3.5],
    ]);
    // The first receive's acks rode on the second; the second's on an empty receive or at stop, never on their own.
    expect(acks).toBe(0);
  });

  it('a receive of `below` fan-outs or more, or of none, opens no window', async () => {
    const started = start({ jobs: ['gather.plan'], below: 2, ms: 60_000, rideMs: 0, max: 16 });
    // Two fan-outs in one receive: at `below`, a backlog (ReceivePace's business).
    await queue.enqueue([...post(0), ...post(1)]);
    while (ran.length < 4) await pause(5);
    // No fan-out at all (a like's notification): no window either.
    await queue.enqueue([{ name: 'gather.other', payload: { n: 10 } }]);
    while (ran.length < 5) await pause(5);
    // Received when signalled (with a window open it would wait past the test's timeout).
    await queue.enqueue(post(2));
    while (ran.length < 7) await pause(5);
    await started.stop();
    expect(ran.sort()).toEqual([0, 0.5, 1, 1.5, 10, 2, 2.5]);
  });
});
