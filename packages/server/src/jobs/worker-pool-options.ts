// What a WorkerPool is given: its settings and the logger and metrics it reports to (split from worker-pool.ts).

/** The slice of a pino logger the pool uses. */
export interface LoggerLike {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type JobOutcome = 'ok' | 'retry' | 'dead';

export interface JobMetrics {
  onJob(name: string, outcome: JobOutcome, seconds: number): void;
}

export interface WorkerPoolOptions {
  /** Receive loops running side by side (per queue, when the queue keeps several apart). */
  concurrency: number;
  /**
   * How long a received job stays invisible to other receivers: one job's time. The pool renews the lease of every
   * job it holds every third of this, so a long job stays hidden while it runs, and a dead holder's jobs come back
   * within this long.
   */
  visibilityMs: number;
  /**
   * Idle loops look again this often, so delayed and retried jobs are picked up. On a queue that cannot signal
   * readiness, loops instead long-poll for this long (as Lambda's event source mapping polls SQS).
   */
  pollMs: number;
  /** Jobs a loop receives at once. */
  batchSize: number;
  /**
   * How long (ms) a loop that holds acks and left no jobs behind waits for the next ready signal before it receives
   * (at most `pollMs`); see ACK_LINGER_MS. Default ACK_LINGER_MS.
   */
  ackLingerMs?: number;
  /** Optional: a backlog of these jobs is left to build up between receives (see ReceivePace). */
  pace?: ReceivePace;
  logger: LoggerLike;
  metrics?: JobMetrics;
}

/**
 * Jobs whose backlog is cheaper written together than as it comes: while a receive brings at least `atLeast` of
 * them (`jobs`: their names), the pool's next receive, on any of its loops, waits until `everyMs` after that receive
 * began. Below `atLeast` the pool receives as soon as it is signalled, as without a pace.
 */
export interface ReceivePace {
  jobs: readonly string[];
  atLeast: number;
  everyMs: number;
}
