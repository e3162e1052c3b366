/** Longest delay a job may be enqueued with: SQS's DelaySeconds stops at 15 minutes. */
export const MAX_JOB_DELAY_MS = 15 * 60_000;
/** Longest a received job may stay invisible (visibility timeout or backoff): SQS's limit is 12 hours. */
export const MAX_VISIBILITY_MS = 12 * 3_600_000;
/**
 * Largest job (name and payload as JSON) a queue must accept. SQS takes 256 KiB a message and a batch; payloads
 * are small by design (ids and ranges, never lists of thousands), so a job over this is a bug, refused at enqueue.
 */
export const MAX_JOB_BYTES = 64 * 1024;

/** A job to be run later by a processor that handles `name`. */
export interface JobRequest {
  name: string;
  payload: Record<string, unknown>;
  /** Run no earlier than this many ms from now (at most MAX_JOB_DELAY_MS; SQS rounds up to whole seconds). */
  delayMs?: number;
}

/** A received job. It stays invisible to other receivers until its visibility timeout ends. */
export interface Job {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  /** Deliveries so far, this one included (1 on the first try). */
  attempts: number;
  enqueuedAt: number;
  /** Proof of this delivery: ack/fail with a stale receipt (the timeout ended and someone else took it) do nothing. */
  receipt: string;
}

export interface DeadJob {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string;
  enqueuedAt: number;
  diedAt: number;
}

/**
 * How many jobs are in each state. Exact on SQLite; APPROXIMATE on SQS (its counters lag by up to a minute, and a job
 * backing off after a failure counts as in flight there, since SQS keeps it invisible rather than delayed).
 */
export interface QueueStats {
  /** Can be received now: waiting jobs whose run time has come, and in-flight jobs whose visibility timeout ended. */
  ready: number;
  /** Received and not yet acked (visibility timeout running). */
  inFlight: number;
  /** Waiting for their run time (new with delay, or backing off after a failure). */
  delayed: number;
  dead: number;
  /**
   * Ms since the oldest ready job became ready (0 when none): how far behind the workers are. Undefined when the
   * queue cannot tell (SQS reports it only to CloudWatch, as ApproximateAgeOfOldestMessage).
   */
  oldestReadyAgeMs?: number;
}

export interface ReceiveOptions {
  /** At most this many jobs (SQS receives at most 10 a call; adapters may return fewer). */
  max: number;
  /** How long received jobs stay invisible before another receive may take them again (at most MAX_VISIBILITY_MS). */
  visibilityMs: number;
  /** Receive from this one of `queues` only (a worker loop per queue, as Lambda polls each SQS queue). */
  queue?: string;
  /** When nothing is ready, wait up to this long for a job to arrive (long polling) before returning none. */
  waitMs?: number;
}

/**
 * A durable at-least-once queue (SQLite table here, SQS in the AWS shape).
 * A job is retried with exponential backoff when it fails, and dead-lettered after maxAttempts.
 * Dead jobs are kept by the adapter itself (SQS cannot list, annotate or pick out dead letters), so they can be
 * listed with their last error and redriven by id.
 */
export interface JobQueue {
  /**
   * The separate queues jobs are routed to by name (SQS: one per stage, each with its own dead-letter queue), so
   * workers can poll each one on its own. Undefined: one queue.
   */
  readonly queues?: readonly string[];
  enqueue(jobs: readonly JobRequest[]): Promise<void>;
  receive(options: ReceiveOptions): Promise<Job[]>;
  /** The job is done: remove it. */
  ack(job: Job): Promise<void>;
  /**
   * Optional: acks many jobs at once, as `ack` would each (a stale receipt leaves its job alone). SQLite does it
   * in one transaction, so a batch of small jobs costs one write instead of one each.
   */
  ackBatch?(jobs: readonly Job[]): Promise<void>;
  /**
   * Optional: acks `acks` as `ackBatch` would, then receives as `receive` would, in one write. SQLite does both in
   * one transaction of its writer, so a worker loop's acks ride on its next receive instead of costing a
   * transaction of their own. If it throws, nothing was acked (the jobs come back after their visibility timeout).
   */
  ackAndReceive?(acks: readonly Job[], options: ReceiveOptions): Promise<Job[]>;
  /**
   * The job failed: retry it after a backoff, or dead-letter it when attempts are used up.
   * With a stale receipt nothing changes (the job is someone else's now) and 'retry' is returned.
   */
  fail(job: Job, error: string): Promise<'retry' | 'dead'>;
  /**
   * Extends the jobs' leases: each stays invisible for `visibilityMs` from now (at most MAX_VISIBILITY_MS; SQS also
   * stops 12 hours after the receive). A worker calls it while it holds jobs, so a job is hidden for as long as its
   * holder works and no longer. Returns the jobs whose lease was extended; one left out was acked or taken by
   * another receiver (a stale receipt: nothing changed), or could not be extended (it keeps its current lease).
   */
  extend(jobs: readonly Job[], visibilityMs: number): Promise<Job[]>;
  /**
   * Gives back jobs that were received but not started: they can be received again at once. A stale receipt changes
   * nothing. SQLite returns the attempt the receive counted; SQS cannot (ApproximateReceiveCount counts every
   * receive), so there a released job has used one of its attempts.
   */
  release(jobs: readonly Job[]): Promise<void>;
  stats(): Promise<QueueStats>;
  listDead(options: { limit: number; after?: string }): Promise<DeadJob[]>;
  /** Moves dead jobs back to the queue with fresh attempts; returns how many. */
  redrive(ids: readonly string[] | 'all'): Promise<number>;
  /**
   * Called when jobs may be ready (in-process wake-up); returns an unsubscribe function. Optional: SQS cannot signal,
   * so its receivers long-poll (`waitMs`) instead.
   */
  onReady?(listener: () => void): () => void;
}

export interface QueueRetryPolicy {
  /** Attempts before a job is dead-lettered. */
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with full jitter, up to maxBackoffMs. */
  backoffBaseMs: number;
  maxBackoffMs: number;
}

/** Throws a RangeError for a policy no adapter can follow (the backoff must fit SQS's visibility limit). */
export function checkRetryPolicy(retry: QueueRetryPolicy): void {
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be a positive integer, got ${retry.maxAttempts}`);
  }
  if (retry.backoffBaseMs < 0 || retry.maxBackoffMs < retry.backoffBaseMs) {
    throw new RangeError('retry backoff must satisfy 0 <= backoffBaseMs <= maxBackoffMs');
  }
  if (retry.maxBackoffMs > MAX_VISIBILITY_MS) {
    throw new RangeError(
      `retry.maxBackoffMs must be at most ${MAX_VISIBILITY_MS} (12 hours), got ${retry.maxBackoffMs}`,
    );
  }
}

/** Throws a RangeError for a job delayed beyond MAX_JOB_DELAY_MS (or by a negative or non-finite time). */
export function checkDelays(jobs: readonly JobRequest[]): void {
  for (const job of jobs) {
    const delay = job.delayMs ?? 0;
    if (!(delay >= 0 && delay <= MAX_JOB_DELAY_MS)) {
      throw new RangeError(
        `job "${job.name}": delayMs must be from 0 to ${MAX_JOB_DELAY_MS} (15 minutes), got ${delay}`,
      );
    }
  }
}

/** Throws a RangeError for a visibility timeout outside (0, MAX_VISIBILITY_MS]. */
export function checkVisibility(visibilityMs: number): void {
  if (!(visibilityMs > 0 && visibilityMs <= MAX_VISIBILITY_MS)) {
    throw new RangeError(
      `visibilityMs must be above 0 and at most ${MAX_VISIBILITY_MS} (12 hours), got ${visibilityMs}`,
    );
  }
}

/**
 * Delay before retrying a job that failed on its `attempts`-th delivery: full jitter up to
 * min(maxBackoffMs, backoffBaseMs * 2^(attempts-1)), but never under backoffBaseMs/2.
 */
export function retryDelayMs(policy: QueueRetryPolicy, attempts: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  // The floor keeps a retry a real delay, so a job failing fast cannot spin through its attempts at once.
  const floor = Math.min(cap, Math.ceil(policy.backoffBaseMs / 2));
  return Math.max(floor, Math.floor(random() * (cap + 1)));
}
