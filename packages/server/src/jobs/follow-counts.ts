import type { Job } from '../ports/job-queue.js';
import type { FollowRepo } from '../ports/store.js';
import { AliasJob, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * Re-counts one user's follower and followee counts from the edges. On DynamoDB the counts are ADDed right after
 * the edge write, so a crash in between leaves them off; the outbox sweeper enqueues this for both users of an
 * edge it finishes, and an operator can enqueue it for anyone. Idempotent.
 */
export class FollowCountsProcessor implements JobProcessor {
  readonly jobs = ['follows.recount'] as const;

  constructor(private readonly deps: { follows: FollowRepo }) {}

  async perform(job: Job): Promise<void> {
    const { alias } = parsePayload(AliasJob, job.payload, 'follows.recount');
    await this.deps.follows.recount(alias);
  }
}
