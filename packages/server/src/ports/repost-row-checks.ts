import type { FeedPresence } from './feed-store.js';

/** A repost row of a feed page: the status it shows and who reposted it. */
export interface RepostKey {
  statusId: string;
  reposter: string;
}

/** What a feed page checks about its repost rows: `RepostRepo.standing` and `FeedRepo.presence` together. */
export interface RepostRowChecks {
  /** The reposts that stand, as `statusId reposter` strings. */
  standing: Set<string>;
  /** How the feed holds the statuses those rows show. */
  presence: FeedPresence;
}

/**
 * Both checks of a page's repost rows in one read (SQLite: one statement over the keys). Optional on a store:
 * without it the feed reads `standing` and `presence` apart (the DynamoDB shape: batched key lookups of each).
 */
export interface RepostRowChecksReader {
  read(owner: string, keys: readonly RepostKey[]): Promise<RepostRowChecks>;
}
