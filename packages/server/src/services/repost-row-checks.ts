import type { FeedRepo, RepostRepo } from '../ports/store.js';
import type { RepostKey, RepostRowChecks, RepostRowChecksReader } from '../ports/repost-row-checks.js';

/**
 * Which of a page's repost rows stand and how `owner`'s feed holds their statuses: one read where the store has it
 * (`repostRowChecks`, SQLite), else `standing` and `presence` read at the same time (DynamoDB). Both give the same figures.
 */
export async function readRepostRowChecks(
  deps: {
    feeds: Pick<FeedRepo, 'presence'>;
    reposts: Pick<RepostRepo, 'standing'>;
    repostRowChecks?: RepostRowChecksReader;
  },
  owner: string,
  keys: readonly RepostKey[],
): Promise<RepostRowChecks> {
  if (deps.repostRowChecks) return deps.repostRowChecks.read(owner, keys);
  const [standing, presence] = await Promise.all([
    deps.reposts.standing(keys),
    deps.feeds.presence(owner, [...new Set(keys.map((k) => k.statusId))]),
  ]);
  return { standing, presence };
}
