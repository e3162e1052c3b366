import type { Job } from '../ports/job-queue.js';
import type { CommentRepo, ReactionRepo } from '../ports/store.js';
import { breathe, parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** After a delete: removes the status's reactions and comments (reads stopped showing them with the status). */
export class StatusPurgeProcessor implements JobProcessor {
  readonly jobs = ['status.purge'] as const;

  constructor(private readonly deps: { reactions: ReactionRepo; comments: CommentRepo; batchSize: number }) {}

  async perform(job: Job): Promise<void> {
    const { statusId } = parsePayload(StatusJob, job.payload, 'status.purge');
    const { reactions, comments, batchSize } = this.deps;
    await reactions.purge('status', [statusId]);
    // In batches, so a status with many comments does not hold the write lock for long.
    while ((await comments.purgeStatus(statusId, batchSize)) === batchSize) await breathe(0);
  }
}
