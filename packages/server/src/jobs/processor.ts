import type { Job } from '../ports/job-queue.js';

/** How one job of a batch ended: done, or failed with `error` (retried or dead-lettered like any failure). */
export type BatchOutcome = { ok: true } | { ok: false; error: unknown };

/** Runs the jobs whose names it declares (as Outline's BaseProcessor declares its applicableEvents). */
export interface JobProcessor {
  /** Job names this processor handles; each name belongs to exactly one processor. */
  readonly jobs: readonly string[];
  /** Does the work. Must be idempotent: the queue delivers at least once. Throw to fail the attempt. */
  perform(job: Job): Promise<void>;
  /**
   * Optional: does the work of many received jobs at once (one transaction for many small ones), answering an
   * outcome per job in order. Same guarantees as `perform`; a throw fails every job of the batch.
   */
  readonly performBatch?: (jobs: readonly Job[]) => Promise<BatchOutcome[]>;
}
