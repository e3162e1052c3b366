import type { FollowRepo } from '../ports/store.js';

/** Edges checked per batched lookup (SQLite: one statement; DynamoDB: BatchGetItem calls of 100). */
const CHECK_BATCH = 1000;

/**
 * Of these connected users, those who follow `author`. A pulled account may have millions of followers but a
 * server holds thousands of connections: checking the connected against the edges is the cheap direction.
 */
export async function connectedFollowers(
  follows: Pick<FollowRepo, 'existing'>,
  author: string,
  connected: Iterable<string>,
): Promise<string[]> {
  const candidates = [...new Set(connected)].filter((alias) => alias !== author);
  const found: string[] = [];
  for (let i = 0; i < candidates.length; i += CHECK_BATCH) {
    const edges = candidates.slice(i, i + CHECK_BATCH).map((follower) => ({ follower, followee: author }));
    for (const e of await follows.existing(edges)) found.push(e.follower);
  }
  return found;
}
