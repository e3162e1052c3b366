import { performance } from 'node:perf_hooks';
import type { Job, JobQueue } from '../ports/job-queue.js';
import type { LoggerLike } from './worker-pool.js';

/** A job is not started with less than this much of its lease left (it could lapse mid-start). */
const START_MARGIN_MS = 50;

interface Lease {
  job: Job;
  /** performance.now() at which its lease ends, as far as this holder knows. */
  until: number;
  started: boolean;
}

/**
 * The jobs one worker loop received and has not finished: each stays invisible for one job's visibility timeout,
 * renewed every third of it (JobQueue.extend) while the loop holds it, so a job is hidden for as long as its holder
 * works on it, however long that is, and a holder that dies leaves its jobs to lapse within one timeout. The jobs it
 * did not start are given back (JobQueue.release) when the loop lets go of them.
 */
export class HeldJobs {
  private readonly leases = new Map<Job, Lease>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: JobQueue,
    jobs: readonly Job[],
    /** When the receive that returned them was called (performance.now()). */
    receivedAt: number,
    private readonly visibilityMs: number,
    private readonly logger: LoggerLike,
  ) {
    for (const job of jobs) this.leases.set(job, { job, until: receivedAt + visibilityMs, started: false });
    this.timer = setInterval(
      () => {
        this.renewing = this.renewing.then(() => this.renew());
      },
      Math.max(1, Math.floor(visibilityMs / 3)),
    );
    // A loop that is still running keeps the process alive; these renewals alone must not.
    this.timer.unref();
  }

  /**
   * Marks the jobs as started and returns them. A job whose lease may have run out (a renewal came late, or the
   * receive waited long) is renewed first, which also proves it is still this holder's; one that is not (another
   * receiver may have it now) is left out, for redelivery.
   */
  async start(jobs: readonly Job[]): Promise<Job[]> {
    const now = performance.now();
    const doubtful: Job[] = [];
    for (const job of jobs) {
      const lease = this.leases.get(job);
      if (lease && lease.until - now < START_MARGIN_MS) doubtful.push(job);
    }
    if (doubtful.length > 0) await this.renewNow(doubtful);
    return jobs.filter((job) => {
      const lease = this.leases.get(job);
      if (lease) lease.started = true;
      return lease !== undefined;
    });
  }

  /** Renews these leases now; drops the ones the queue no longer holds for this holder. */
  private async renewNow(jobs: readonly Job[]): Promise<void> {
    const calledAt = performance.now();
    let renewed = new Set<Job>();
    try {
      renewed = new Set(await this.queue.extend(jobs, this.visibilityMs));
    } catch (err) {
      this.logger.error({ jobs: jobs.map(jobFields), err }, 'could not extend job leases');
    }
    for (const job of jobs) {
      const lease = this.leases.get(job);
      if (!lease) continue;
      if (renewed.has(job)) {
        lease.until = calledAt + this.visibilityMs;
      } else {
        this.leases.delete(job);
        this.logger.warn({ job: jobFields(job) }, 'lease lapsed before the job started; leaving it for redelivery');
      }
    }
  }

  /** The jobs are acked or failed: their leases are no longer this holder's to renew. */
  finish(jobs: readonly Job[]): void {
    for (const job of jobs) this.leases.delete(job);
  }

  /** Stops renewing and gives back the jobs never started; they can be received again at once. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    const unstarted = [...this.leases.values()].filter((lease) => !lease.started).map((lease) => lease.job);
    this.leases.clear();
    if (unstarted.length === 0) return;
    try {
      await this.queue.release(unstarted);
    } catch (err) {
      // They come back when their lease lapses instead.
      this.logger.error({ jobs: unstarted.map(jobFields), err }, 'could not give back the jobs not started');
    }
  }

  private async renew(): Promise<void> {
    const leases = [...this.leases.values()];
    if (leases.length === 0) return;
    const calledAt = performance.now();
    try {
      const renewed = new Set(
        await this.queue.extend(
          leases.map((lease) => lease.job),
          this.visibilityMs,
        ),
      );
      for (const lease of leases) if (renewed.has(lease.job)) lease.until = calledAt + this.visibilityMs;
    } catch (err) {
      // The leases run on as they were; the next renewal tries again.
      this.logger.error({ jobs: leases.map((lease) => jobFields(lease.job)), err }, 'could not extend job leases');
    }
  }
}

export function jobFields(job: Job): { id: string; name: string; attempts: number } {
  return { id: job.id, name: job.name, attempts: job.attempts };
}
