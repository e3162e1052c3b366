import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger as silent, sqliteQueueOnWriter, type QueueOnWriter } from './support/sqlite-queue-on-writer.js';
import type { JobProcessor } from '../src/jobs/processor.js';
import { WorkerPool, type ReceivePace } from '../src/jobs/worker-pool.js';
import type { Job, JobQueue } from '../src/ports/job-queue.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Two loops over the SQLite queue as the job thread runs them, with a pace far longer than the test: a paced
// receive can only come after stop().
describe('WorkerPool: a paced backlog waits for the next receive (SQLite)', () => {
  let file: QueueOnWriter;
  let queue: JobQueue;
  let pool: WorkerPool | null;
  let ran: string[];

  beforeEach(() => {
    file = sqliteQueueOnWriter('tweeter-pace-');
    queue = file.queue;
    pool = null;
    ran = [];
  });

  afterEach(async () => {
    await pool?.stop();
    await file.close();
  });

  // Fan-outs run together (as fanout.plan's small audiences do); `other` jobs one by one.
  const record = (job: Job): void => void ran.push(`${job.name}:${String((job.payload as { n: number }).n)}`);
  const processors: JobProcessor[] = [
    {
      jobs: ['pace.fanout'],
      perform: async (job) => record(job),
      performBatch: async (jobs) => jobs.map((job) => (record(job), { ok: true as const })),
    },
    { jobs: ['pace.other'], perform: async (job) => record(job) },
  ];
  const pace: ReceivePace = { jobs: ['pace.fanout'], atLeast: 8, everyMs: 60_000 };

  function start(): WorkerPool {
    pool = new WorkerPool(queue, processors, {
      concurrency: 2,
      visibilityMs: 30_000,
      pollMs: 60_000,
      batchSize: 8,
      ackLingerMs: 0,
      pace,
      logger: silent,
    });
    pool.start();
    return pool;
  }

  const fanouts = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({ name: 'pace.fanout', payload: { n: from + i } }));

  it('after a receive of at least `atLeast` paced jobs no loop receives until the pace is over; stop() ends it', async () => {
    const started = start();
    await queue.enqueue(fanouts(0, 20));
    while (ran.length < 20) await pause(5);
    // Jobs of any name queued now wait: the loops are paced, signals do not wake them.
    await queue.enqueue([{ name: 'pace.other', payload: { n: 1 } }, ...fanouts(20, 2)]);
    await pause(200);
    expect(ran).toHaveLength(20);
    expect(await queue.stats()).toMatchObject({ ready: 3 });
    // Stopping does not wait for the pace; the jobs not received stay queued for the next pool.
    await started.stop();
    expect(await queue.stats()).toMatchObject({ ready: 3, inFlight: 0, dead: 0 });
  });

  it("at a pace's end one loop receives the whole backlog, the other waits for its receive", async () => {
    const batches: number[] = [];
    pool = new WorkerPool(
      queue,
      [
        {
          jobs: ['pace.fanout'],
          perform: async (job) => record(job),
          performBatch: async (jobs) => (
            batches.push(jobs.length),
            jobs.map((job) => (record(job), { ok: true as const }))
          ),
        },
      ],
      {
        concurrency: 2,
        visibilityMs: 30_000,
        pollMs: 60_000,
        batchSize: 8,
        ackLingerMs: 0,
        pace: { ...pace, everyMs: 1_500 },
        logger: silent,
      },
    );
    pool.start();
    await queue.enqueue(fanouts(0, 20));
    while (ran.length < 20) await pause(5);
    // Queued during the pace: both loops sleep until its end, and then only one of them receives (8 at first, then
    // all the room left), so the 30 jobs run as one batch, not as one loop's 8 and the other's 22.
    const before = batches.length;
    await queue.enqueue(fanouts(20, 30));
    while (ran.length < 50) await pause(5);
    expect(batches.slice(before)).toEqual([30]);
  });

  it('a receive of fewer paced jobs than `atLeast` holds nothing back: the next job is received when signalled', async () => {
    const started = start();
    // Eight jobs, of which only seven are paced ones: under `atLeast`.
    await queue.enqueue([...fanouts(0, 7), { name: 'pace.other', payload: { n: 0 } }]);
    while (ran.length < 8) await pause(5);
    await queue.enqueue(fanouts(7, 1));
    await started.drain(10_000);
    expect(ran).toHaveLength(9);
    expect(ran).toContain('pace.fanout:7');
  });
});
