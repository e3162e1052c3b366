// How the Lambda shape is cut into functions: read by the CDK stack (packages/infra) and by the handlers, so the two
// cannot disagree. The queues themselves are the SQS adapter's stage queues (adapters/sqs/stage-queues.ts). Plain data, no imports beyond types: the stack loads it at synth time.

/** Response and request bodies API Gateway must pass as bytes (profile images). */
export const BINARY_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp'];

/** The function consuming one stage queue (adapters/sqs/stage-queues.ts): its memory, timeout and concurrency. */
export interface StageConsumerSpec {
  memoryMb: number;
  /** The function's timeout; the queue's visibility timeout is six times this (AWS's advice for event sources). */
  timeoutSeconds: number;
  /** Records per invocation. */
  batchSize: number;
  /**
   * Invocations at once for this queue (at least 2). For `fanout` this bounds the feed table's write rate: each
   * `fanout.deliver` writes at most DYNAMODB_WRITE_BUDGET items/s, so the table sees at most their product.
   */
  maxConcurrency: number;
  /** The jobs decode images: the function carries sharp and runs on x86_64 (see FUNCTIONS). */
  decodesImages?: boolean;
}

/**
 * The job functions' JOB_MAX_ATTEMPTS. They leave retries to SQS (a failed record is handed back and redelivered
 * after the visibility timeout), so a job gets maxReceiveCount(JOB_MAX_ATTEMPTS) receives (stage-queues.ts) before SQS
 * moves it to its stage's dead-letter queue: the same redrive policy the adapter provisions.
 */
export const JOB_MAX_ATTEMPTS = 5;

/**
 * One function per stage queue, sized for the heaviest job routed to it: `fanout` carries fanout.plan and the
 * 1000-follower fanout.deliver pages, `feeds` the backfills, purges and retractions, `cards` the link card fetches
 * (waiting on other sites, little memory), `maintenance` the rest.
 * Keys must be exactly those of JOBS_BY_QUEUE (checked by test/lambda/jobs.test.ts).
 */
export const STAGE_CONSUMERS: Readonly<Record<string, StageConsumerSpec>> = {
  fanout: { memoryMb: 1024, timeoutSeconds: 120, batchSize: 1, maxConcurrency: 40 },
  feeds: { memoryMb: 1024, timeoutSeconds: 120, batchSize: 5, maxConcurrency: 20 },
  maintenance: { memoryMb: 512, timeoutSeconds: 300, batchSize: 5, maxConcurrency: 5 },
  // A fetch takes at most CARD_FETCH_TIMEOUT_MS (8 s), a job waiting on another's fetch 12 s: 5 of them fit in 90 s.
  cards: { memoryMb: 256, timeoutSeconds: 90, batchSize: 5, maxConcurrency: 10 },
  // One 8 MiB image a record: a decode takes about a second at 1.5 GB (one full vCPU from 1,769 MB).
  media: { memoryMb: 1536, timeoutSeconds: 60, batchSize: 1, maxConcurrency: 10, decodesImages: true },
  // A status's terms (index.status) are one marker, a batch write or two and a few counter updates; an account's
  // (index.user) a read and a few small writes: small and quick.
  index: { memoryMb: 256, timeoutSeconds: 60, batchSize: 10, maxConcurrency: 10 },
  // Small single-item writes and a push each: batches of 10, enough concurrency for 1,000 likes a second.
  notify: { memoryMb: 512, timeoutSeconds: 30, batchSize: 10, maxConcurrency: 20 },
};

/**
 * The functions of the stack: entry file (under runtimes/lambda/), memory and timeout. `decodesImages`: the function
 * runs the image pipeline (sharp), so it ships sharp's prebuilt linux-x64 packages and runs on x86_64 (docs/aws.md).
 */
export const FUNCTIONS = {
  http: { entry: 'http.ts', memoryMb: 1024, timeoutSeconds: 29, decodesImages: true },
  // GET /api/v1/me/export, streamed: 100,000 statuses are about 10 MB, written in seconds; the timeout leaves room.
  export: { entry: 'export.ts', memoryMb: 512, timeoutSeconds: 300 },
  websocket: { entry: 'websocket.ts', memoryMb: 512, timeoutSeconds: 10 },
  jobs: { entry: 'jobs.ts' },
  schedule: { entry: 'schedule.ts', memoryMb: 512, timeoutSeconds: 300 },
} as const;

/** Turns a job name into a resource-name part: `boards.retention` → `boards-retention`. */
export function jobSlug(job: string): string {
  return job.replace(/[^a-z0-9]+/gi, '-');
}
