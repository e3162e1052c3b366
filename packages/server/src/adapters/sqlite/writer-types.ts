// The SqliteWriter's settings, observer, options and counts (split from writer.ts, which re-exports them).

/** Interactive writes (a post, a follow, a reaction) go ahead of bulk ones (fan-out pages, purges, job leases). */
export type WritePriority = 'interactive' | 'bulk';

/** How large one transaction may grow. */
export interface GroupCommitLimits {
  /** Most requests in one transaction. */
  maxRequests: number;
  /** No request is added once the transaction has run this long (ms): it bounds how long a new post waits. */
  maxMs: number;
  /**
   * A transaction of bulk requests only may go on past `maxMs`, up to this long (ms), while no interactive request
   * waits: a backlog of fan-out pages then shares fewer, larger commits. Past `maxMs` the writer gives the event
   * loop a turn between requests, so a post that arrives ends the transaction after the request in progress.
   */
  maxBulkMs?: number;
  /**
   * A group of bulk requests only looks for waiting interactive writes (a turn of the event loop between requests)
   * once it has run this long (ms), instead of `maxMs`: a post then waits behind at most this plus one bulk request,
   * while a group of posts keeps `maxMs` to grow in. Default: `maxMs`.
   */
  bulkYieldMs?: number;
  /**
   * A group of bulk requests only starts no sooner than this long (ms) after the previous commit, unless
   * `bulkGapRequests` are queued or its oldest request has waited this long: at moderate load the job steps of a few
   * posts (leases, acks, fan-out pages) then share one transaction instead of committing alone. A writer idle for
   * this long starts at once, and an interactive request never waits for the gap.
   */
  bulkGapMs?: number;
  /** Bulk requests queued that end the gap at once (default 32). */
  bulkGapRequests?: number;
  /**
   * A group whose queued requests all gather (SubmitOptions.gathers: a reaction's write) starts up to this long (ms)
   * after its oldest one arrived, if the writer committed less than this long before that arrival (a stream of
   * them), unless `gatherRequests` are queued or any other interactive request arrives: in a burst of likes two or
   * more then share one COMMIT, and the pages every like dirties (the counter, the notification group's row and its
   * indexes) are written once for them. A writer idle for this long starts at once. Default 0: off.
   */
  gatherMs?: number;
  /** Gathering requests queued that end the wait at once (default 2). */
  gatherRequests?: number;
}

/**
 * Where a write's time goes (seconds), for /metrics: how long it waited for its group to start (behind the group
 * running when it arrived), how long its group's transaction ran, and the COMMIT alone (the dirty pages written to
 * the WAL). Called after the group is answered, off the path of the answer.
 */
export interface WriterObserver {
  waited(priority: WritePriority, seconds: number): void;
  group(kind: 'interactive' | 'bulk', seconds: number, commitSeconds: number, requests: number): void;
  /** A request was submitted, named by the store or queue method that sent it (`queue.receive`). */
  requested?(write: string): void;
  /** The work between groups ran (the WAL restart step), this long: a post arriving meanwhile waits for it. */
  betweenGroups?(seconds: number): void;
}

/** Work the writer does on its own connection between two groups, outside any transaction. */
export interface BetweenGroups {
  /** Whether to run now, given whether interactive requests wait (called after every group: cheap). */
  wanted(interactiveWaiting: boolean): boolean;
  /** Whether the step wanted runs even if interactive requests arrived during the turn before it. */
  readonly urgent: boolean;
  run(): void;
}

export interface SubmitOptions {
  /**
   * A small bulk request (a worker loop's receive) that joins a group of interactive requests when it is queued as
   * that group runs out of them: the receive a post's commit signals then takes the post's jobs in the post's own
   * transaction (its rows are written once), instead of a transaction of its own right after. At most
   * MAX_RIDERS a group, and only at the head of the bulk queue: a post waits for a receive's few statements, never for
   * fan-out pages.
   */
  rides?: boolean;
  /** An interactive request that may wait for another of its kind to share its commit (GroupCommitLimits.gatherMs). */
  gathers?: boolean;
}

/** What the writer has done since it opened (tests and the bench read it). */
export interface WriterCounts {
  /** Transactions committed (or rolled back as a whole). */
  groups: number;
  /** Requests answered. */
  requests: number;
  /** Requests that failed on their own (rolled back to their savepoint; the rest of their group committed). */
  failed: number;
}

export interface Request {
  priority: WritePriority;
  /** A bulk request that may join a group of interactive ones (see SubmitOptions.rides). */
  rides: boolean;
  /** An interactive request that may wait for another to share its commit (see SubmitOptions.gathers). */
  gathers: boolean;
  /** performance.now() when submitted. */
  at: number;
  work: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}
