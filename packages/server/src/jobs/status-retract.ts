import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { FeedRepo, FollowRepo } from '../ports/store.js';
import { breathe, parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * After a delete: removes the status from every follower's feed page by page and tells connected followers.
 * (Feed reads already skip it from the moment it is deleted; this reclaims the entries.)
 */
export class StatusRetractProcessor implements JobProcessor {
  readonly jobs = ['status.retract'] as const;

  constructor(private readonly deps: { follows: FollowRepo; feeds: FeedRepo; realtime: Realtime; pageSize: number }) {}

  async perform(job: Job): Promise<void> {
    const { statusId, author } = parsePayload(StatusJob, job.payload, 'status.retract');
    const { follows, feeds, realtime, pageSize } = this.deps;
    let after: string | undefined;
    do {
      const page = await follows.followers(author, { after, limit: pageSize });
      await feeds.removeStatus(statusId, page.items);
      realtime.toUsers(page.items, { type: 'feed.delete', channel: 'feed', data: { id: statusId } });
      after = page.next ?? undefined;
      if (after) await breathe(0);
    } while (after);
  }
}
