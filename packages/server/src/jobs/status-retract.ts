import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { FeedRepo, FollowRepo } from '../ports/store.js';
import { z } from 'zod';
import { breathe, parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/** `pulled`: the status was merged at read time, so no feed holds an entry for it (absent in older jobs). */
const RetractJob = StatusJob.extend({ pulled: z.boolean().optional() });

/**
 * After a delete: removes the status from every follower's feed page by page and tells connected followers (a
 * pulled status has no entries: connected followers are told, nothing more).
 * (Feed reads already skip it from the moment it is deleted; this reclaims the entries.)
 */
export class StatusRetractProcessor implements JobProcessor {
  readonly jobs = ['status.retract'] as const;

  constructor(private readonly deps: { follows: FollowRepo; feeds: FeedRepo; realtime: Realtime; pageSize: number }) {}

  async perform(job: Job): Promise<void> {
    const { statusId, author, pulled } = parsePayload(RetractJob, job.payload, 'status.retract');
    const { follows, feeds, realtime, pageSize } = this.deps;
    if (pulled === true) {
      // Feeds stopped merging it when it was deleted; only connected followers need telling (never page them all).
      realtime.toFollowersOf(author, { type: 'feed.delete', channel: 'feed', data: { id: statusId } });
      return;
    }
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
