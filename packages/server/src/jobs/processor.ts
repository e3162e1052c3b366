import type { Job } from '../ports/job-queue.js';

/** Runs the jobs whose names it declares (as Outline's BaseProcessor declares its applicableEvents). */
export interface JobProcessor {
  /** Job names this processor handles; each name belongs to exactly one processor. */
  readonly jobs: readonly string[];
  /** Does the work. Must be idempotent: the queue delivers at least once. Throw to fail the attempt. */
  perform(job: Job): Promise<void>;
}
