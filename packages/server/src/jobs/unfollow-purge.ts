import type { Job } from '../ports/job-queue.js';
import type { FeedRepo, FollowRepo } from '../ports/store.js';
import { FollowJob, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** After an unfollow: removes the followee's statuses from the follower's feed. */
export class UnfollowPurgeProcessor implements JobProcessor {
  readonly jobs = ['unfollow.purge'] as const;

  constructor(private readonly deps: { follows: FollowRepo; feeds: FeedRepo }) {}

  async perform(job: Job): Promise<void> {
    const { follower, followee } = parsePayload(FollowJob, job.payload, 'unfollow.purge');
    if (await this.deps.follows.exists(follower, followee)) return; // followed again since
    await this.deps.feeds.removeByAuthor(follower, followee);
  }
}
