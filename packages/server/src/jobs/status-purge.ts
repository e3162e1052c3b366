import type { Job } from '../ports/job-queue.js';
import type { CommentRepo, ReactionRepo } from '../ports/store.js';
import { breathe, parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * After a delete: removes the status's reactions and comments (reads stopped showing them with the status), in
 * bounded batches so a status with 100,000 reactions never holds the write lock (or one Lambda) for long. Writes
 * racing the delete cannot outlive it: the stores write a reaction or comment only while the status exists.
 */
export class StatusPurgeProcessor implements JobProcessor {
  readonly jobs = ['status.purge'] as const;

  constructor(private readonly deps: { reactions: ReactionRepo; comments: CommentRepo; batchSize: number }) {}

  async perform(job: Job): Promise<void> {
    const { statusId } = parsePayload(StatusJob, job.payload, 'status.purge');
    const { reactions, comments, batchSize } = this.deps;
    while ((await reactions.purge('status', [statusId], batchSize)) === batchSize) await breathe(0);
    while ((await comments.purgeStatus(statusId, batchSize)) === batchSize) await breathe(0);
  }
}
