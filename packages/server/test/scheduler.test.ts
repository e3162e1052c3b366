import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../src/jobs/scheduler.js';
import type { JobQueue, JobRequest } from '../src/ports/job-queue.js';

function recordingQueue(fail = false): { queue: JobQueue; enqueued: string[] } {
  const enqueued: string[] = [];
  const queue = {
    enqueue: async (jobs: readonly JobRequest[]) => {
      if (fail) throw new Error('disk full');
      enqueued.push(...jobs.map((j) => j.name));
    },
  } as Partial<JobQueue> as JobQueue;
  return { queue, enqueued };
}

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

afterEach(() => {
  vi.useRealTimers();
  vi.clearAllMocks();
});

describe('Scheduler', () => {
  it('enqueues each job at start and then every interval, until stopped', async () => {
    vi.useFakeTimers();
    const { queue, enqueued } = recordingQueue();
    const scheduler = new Scheduler(
      queue,
      [
        { job: { name: 'a', payload: {} }, everyMs: 1000 },
        { job: { name: 'b', payload: {} }, everyMs: 5000 },
      ],
      logger,
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(enqueued).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(enqueued.filter((n) => n === 'a')).toHaveLength(6);
    expect(enqueued.filter((n) => n === 'b')).toHaveLength(2);
    expect(() => scheduler.start()).toThrow(/already started/);
    scheduler.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(enqueued).toHaveLength(8);
  });

  it('runNow enqueues everything once; a failed enqueue is logged, not thrown', async () => {
    const ok = recordingQueue();
    await new Scheduler(ok.queue, [{ job: { name: 'a', payload: {} }, everyMs: 60_000 }], logger).runNow();
    expect(ok.enqueued).toEqual(['a']);
    const broken = recordingQueue(true);
    await new Scheduler(broken.queue, [{ job: { name: 'a', payload: {} }, everyMs: 60_000 }], logger).runNow();
    expect(logger.error).toHaveBeenCalledOnce();
  });

  it('rejects an interval below 1 ms', () => {
    const { queue } = recordingQueue();
    expect(() => new Scheduler(queue, [{ job: { name: 'a', payload: {} }, everyMs: 0 }], logger)).toThrow(RangeError);
  });
});
