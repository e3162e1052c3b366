import { performance } from 'node:perf_hooks';
import type { Job, JobQueue, ReceiveOptions } from '../ports/job-queue.js';
import { jobFields } from './held-jobs.js';
import type { JobMetrics, LoggerLike } from './worker-pool.js';

interface Done {
  job: Job;
  /** How long the job ran, for its metric once acked. */
  seconds: number;
}

/**
 * The acks of one worker loop's done jobs, held until its next receive writes them in the same write
 * (JobQueue.ackAndReceive): on SQLite a job's ack then costs no transaction of its own, and the loop receives right
 * after running a batch anyway. A job stays in flight until then (its lease no longer renewed), so acks are written
 * on their own once the oldest has waited `maxWaitMs` (a third of the lease, as renewals), and when the loop stops.
 * A crash before the write redelivers the job, as a crash before any ack does: jobs are idempotent.
 */
export class DeferredAcks {
  private held: Done[] = [];
  /** performance.now() when the oldest held ack was added. */
  private since = Infinity;

  constructor(
    private readonly queue: JobQueue,
    private readonly maxWaitMs: number,
    private readonly logger: LoggerLike,
    private readonly metrics?: JobMetrics,
  ) {}

  /** Whether this queue can take acks with a receive; without it, the pool acks each batch as it is done. */
  get enabled(): boolean {
    return this.queue.ackAndReceive !== undefined;
  }

  add(done: readonly Done[]): void {
    if (done.length === 0) return;
    if (this.held.length === 0) this.since = performance.now();
    this.held.push(...done);
  }

  /** Whether acks wait for the next receive. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** The oldest held ack has waited long enough to be written on its own (see flush). */
  get overdue(): boolean {
    return performance.now() - this.since >= this.maxWaitMs;
  }

  /** Receives, writing the held acks in the same write. Throws as receive does (nothing acked then). */
  async receive(options: ReceiveOptions): Promise<Job[]> {
    const ackAndReceive = this.queue.ackAndReceive?.bind(this.queue);
    if (!ackAndReceive || this.held.length === 0) return this.queue.receive(options);
    const done = this.take();
    try {
      const received = await ackAndReceive(
        done.map((d) => d.job),
        options,
      );
      this.observe(done);
      return received;
    } catch (err) {
      // They come back after their visibility timeout, as a job whose ack failed always did.
      this.logger.error({ jobs: done.map((d) => jobFields(d.job)), err }, 'could not ack the jobs');
      throw err;
    }
  }

  /** Writes the held acks now, on their own. */
  async flush(): Promise<void> {
    if (this.held.length === 0) return;
    const done = this.take();
    const jobs = done.map((d) => d.job);
    try {
      if (this.queue.ackBatch) await this.queue.ackBatch(jobs);
      else for (const job of jobs) await this.queue.ack(job);
      this.observe(done);
    } catch (err) {
      this.logger.error({ jobs: jobs.map(jobFields), err }, 'could not ack the jobs');
    }
  }

  private take(): Done[] {
    const done = this.held;
    this.held = [];
    this.since = Infinity;
    return done;
  }

  private observe(done: readonly Done[]): void {
    for (const { job, seconds } of done) this.metrics?.onJob(job.name, 'ok', seconds);
  }
}
