import type { Job } from '../ports/job-queue.js';
import type { FeedRepo, FollowRepo, StatusRecord, StatusRepo, UserRepo } from '../ports/store.js';
import type { FeedTrimChecks } from './feed-trim.js';
import { FollowJob, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * After a follow: copies the followee's most recent statuses into the follower's feed, unless the followee is
 * pulled (its statuses are merged into the feed at read time: rows would only duplicate them).
 */
export class FollowBackfillProcessor implements JobProcessor {
  readonly jobs = ['follow.backfill'] as const;

  constructor(
    private readonly deps: {
      follows: FollowRepo;
      statuses: StatusRepo;
      feeds: FeedRepo;
      users: UserRepo;
      count: number;
      /** Queues feed.trim for the follower's feed when the policy picks one of the entries. */
      trims?: Pick<FeedTrimChecks, 'written'>;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { follower, followee } = parsePayload(FollowJob, job.payload, 'follow.backfill');
    const { follows, statuses, feeds, count } = this.deps;
    if (count === 0 || !(await follows.exists(follower, followee))) return; // unfollowed since
    if ((await this.deps.users.get(followee))?.pulledSince != null) return;
    const recent = await this.reachable(follower, await statuses.byAuthor(followee, { limit: count }));
    await feeds.addMany(recent.map((s) => ({ owner: follower, statusId: s.id, author: followee })));
    await this.deps.trims?.written(recent.map((s) => ({ statusId: s.id, owners: [follower] })));
  }

  // As fan-out does: a reply to someone else reaches the follower only if they follow (or are) the replied-to author.
  private async reachable(follower: string, recent: StatusRecord[]): Promise<StatusRecord[]> {
    const others = [
      ...new Set(
        recent.flatMap((s) =>
          s.inReplyToAuthor === undefined || s.inReplyToAuthor === s.author || s.inReplyToAuthor === follower
            ? []
            : [s.inReplyToAuthor],
        ),
      ),
    ];
    if (others.length === 0) return recent;
    const followed = new Set(
      (await this.deps.follows.existing(others.map((followee) => ({ follower, followee })))).map((e) => e.followee),
    );
    return recent.filter((s) => !others.includes(s.inReplyToAuthor ?? '') || followed.has(s.inReplyToAuthor ?? ''));
  }
}
