// How the Lambda shape is cut into functions and queues: read by the CDK stack (packages/infra) and by the
// handlers, so the two cannot disagree. Plain data, no imports beyond types: the stack loads it at synth time.

/** Response and request bodies API Gateway must pass as bytes (profile images). */
export const BINARY_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp'];

/** One SQS queue (with its dead-letter queue) and the function consuming it. */
export interface JobQueueSpec {
  /** The job name the queue carries (one processor's job). */
  job: string;
  memoryMb: number;
  /** The function's timeout; the queue's visibility timeout is six times this (AWS's advice for event sources). */
  timeoutSeconds: number;
  /** Records per invocation. */
  batchSize: number;
  /**
   * Invocations at once for this queue (at least 2). For `fanout.deliver` this bounds the feed table's write
   * rate: each invocation writes at most FANOUT_WRITE_BUDGET items/s, so the table sees at most their product.
   */
  maxConcurrency: number;
}

/** Receives before a message moves to its dead-letter queue (the embedded shape's JOB_MAX_ATTEMPTS). */
export const MAX_RECEIVE_COUNT = 5;

/** A queue per job kind, each consumed by its own function (own memory, timeout and concurrency). */
export const JOB_QUEUES: readonly JobQueueSpec[] = [
  { job: 'fanout.plan', memoryMb: 512, timeoutSeconds: 60, batchSize: 1, maxConcurrency: 10 },
  { job: 'fanout.deliver', memoryMb: 1024, timeoutSeconds: 120, batchSize: 1, maxConcurrency: 40 },
  { job: 'follow.backfill', memoryMb: 512, timeoutSeconds: 30, batchSize: 10, maxConcurrency: 10 },
  { job: 'unfollow.purge', memoryMb: 512, timeoutSeconds: 60, batchSize: 10, maxConcurrency: 10 },
  { job: 'status.retract', memoryMb: 1024, timeoutSeconds: 120, batchSize: 1, maxConcurrency: 20 },
  { job: 'status.purge', memoryMb: 512, timeoutSeconds: 120, batchSize: 5, maxConcurrency: 5 },
];

/** The functions of the stack: entry file (under runtimes/lambda/), memory and timeout. */
export const FUNCTIONS = {
  http: { entry: 'http.ts', memoryMb: 1024, timeoutSeconds: 29 },
  websocket: { entry: 'websocket.ts', memoryMb: 512, timeoutSeconds: 10 },
  jobs: { entry: 'jobs.ts' },
  schedule: { entry: 'schedule.ts', memoryMb: 512, timeoutSeconds: 300 },
} as const;

/** Turns a job name into a resource-name part: `fanout.deliver` → `fanout-deliver`. */
export function jobSlug(job: string): string {
  return job.replace(/[^a-z0-9]+/gi, '-');
}
