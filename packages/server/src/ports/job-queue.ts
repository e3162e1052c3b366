/** A job to be run later by a processor that handles `name`. */
export interface JobRequest {
  name: string;
  payload: Record<string, unknown>;
  /** Run no earlier than this many ms from now. */
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

export interface QueueStats {
  /** Can be received now: waiting jobs whose run time has come, and in-flight jobs whose visibility timeout ended. */
  ready: number;
  /** Received and not yet acked (visibility timeout running). */
  inFlight: number;
  /** Waiting for their run time (new with delay, or backing off after a failure). */
  delayed: number;
  dead: number;
  /** Ms since the oldest ready job became ready (0 when none): how far behind the workers are. */
  oldestReadyAgeMs: number;
}

export interface ReceiveOptions {
  max: number;
  /** How long received jobs stay invisible before another receive may take them again. */
  visibilityMs: number;
}

/**
 * A durable at-least-once queue (SQLite table here, SQS in the AWS shape).
 * A job is retried with exponential backoff when it fails, and dead-lettered after maxAttempts.
 */
export interface JobQueue {
  enqueue(jobs: readonly JobRequest[]): Promise<void>;
  receive(options: ReceiveOptions): Promise<Job[]>;
  /** The job is done: remove it. */
  ack(job: Job): Promise<void>;
  /**
   * The job failed: retry it after a backoff, or dead-letter it when attempts are used up.
   * With a stale receipt nothing changes (the job is someone else's now) and 'retry' is returned.
   */
  fail(job: Job, error: string): Promise<'retry' | 'dead'>;
  stats(): Promise<QueueStats>;
  listDead(options: { limit: number; after?: string }): Promise<DeadJob[]>;
  /** Moves dead jobs back to the queue with fresh attempts; returns how many. */
  redrive(ids: readonly string[] | 'all'): Promise<number>;
  /** Called when jobs may be ready (in-process wake-up); returns an unsubscribe function. */
  onReady(listener: () => void): () => void;
}

export interface QueueRetryPolicy {
  /** Attempts before a job is dead-lettered. */
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with full jitter, up to maxBackoffMs. */
  backoffBaseMs: number;
  maxBackoffMs: number;
}
