import type { Job } from '../ports/job-queue.js';
import type { CommentRepo, QuoteRepo, ReactionRepo } from '../ports/store.js';
import { breathe, parsePayload, PurgeJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * After a delete: removes the status's reactions (reads stopped showing them with the status), in bounded batches
 * so a status with 100,000 reactions never holds the write lock (or one Lambda) for long. A reply's place in its
 * thread stays, marked deleted with its text gone; a quote leaves its quoted status's list. Its own replies stay
 * (they are other people's statuses): the thread shows it as deleted above them. Writes racing the delete cannot
 * outlive it: the stores write a reaction only while the status exists. Idempotent.
 */
export class StatusPurgeProcessor implements JobProcessor {
  readonly jobs = ['status.purge'] as const;

  constructor(
    private readonly deps: { reactions: ReactionRepo; comments: CommentRepo; quotes: QuoteRepo; batchSize: number },
  ) {}

  async perform(job: Job): Promise<void> {
    const { statusId, inReplyToId, quoteOfId } = parsePayload(PurgeJob, job.payload, 'status.purge');
    const { reactions, comments, quotes, batchSize } = this.deps;
    while ((await reactions.purge('status', [statusId], batchSize)) === batchSize) await breathe(0);
    // Also done by the delete itself; here again in case it stopped half way (both are idempotent).
    if (inReplyToId !== undefined) await comments.softDelete(statusId);
    if (quoteOfId !== undefined) await quotes.remove(quoteOfId, statusId);
  }
}
