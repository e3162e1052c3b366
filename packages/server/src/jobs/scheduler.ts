import type { JobQueue, JobRequest } from '../ports/job-queue.js';
import type { LoggerLike } from './worker-pool.js';

export interface ScheduledJob {
  job: JobRequest;
  everyMs: number;
}

/**
 * Enqueues recurring jobs: once at start, then every `everyMs`. The work itself runs through the durable
 * queue (retries, dead letters, metrics) like any other job; the timers only say when.
 */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly queue: JobQueue,
    private readonly schedule: readonly ScheduledJob[],
    private readonly logger: LoggerLike,
  ) {
    for (const { job, everyMs } of schedule) {
      if (!Number.isInteger(everyMs) || everyMs < 1) throw new RangeError(`${job.name}: everyMs must be >= 1`);
    }
  }

  /** Enqueues every scheduled job now and starts the timers. */
  start(): void {
    if (this.timers.length > 0) throw new Error('scheduler already started');
    for (const entry of this.schedule) {
      void this.enqueue(entry.job);
      const timer = setInterval(() => void this.enqueue(entry.job), entry.everyMs);
      timer.unref(); // never what keeps the process alive
      this.timers.push(timer);
    }
  }

  /** Stops the timers; jobs already enqueued stay queued. */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Enqueues every scheduled job now, whether or not the timers run. */
  async runNow(): Promise<void> {
    await Promise.all(this.schedule.map((entry) => this.enqueue(entry.job)));
  }

  private async enqueue(job: JobRequest): Promise<void> {
    try {
      await this.queue.enqueue([job]);
    } catch (err) {
      this.logger.error({ err, job: job.name }, 'could not enqueue a scheduled job; the next tick tries again');
    }
  }
}
