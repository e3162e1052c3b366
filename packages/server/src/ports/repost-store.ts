import type { Outbox } from './store.js';

/**
 * A repost: `reposter` put `statusId` (by `author`) into their followers' feeds at `createdAt`. It has an id of its
 * own (a ULID of the repost time), which is the key of its feed entries and of its delivery record, so a repost is
 * fanned out by the same two stages as a post (fanout.plan / fanout.deliver with the reposter as the author) and
 * sorts in a feed by when it was reposted.
 */
export interface RepostRecord {
  id: string;
  statusId: string;
  /** The reposted status's author. */
  author: string;
  reposter: string;
  createdAt: number;
  /** The reposter is pulled (hybrid fan-out): merged into feeds at read time, no entries. Absent: false. */
  pulled?: boolean;
}

export interface RepostRepo {
  /**
   * Writes the repost (one per status and reposter: a conditional write, exactly one caller wins), its delivery
   * record (keyed by the repost id, author = reposter, audience = `audience`; done at once when pulled) and the
   * outbox jobs. When it already exists, writes nothing and returns the first one. Counts converge (DynamoDB ADDs
   * the status's repost count right after the write). Writes nothing and returns null when the status is gone.
   */
  create(
    repost: RepostRecord,
    options: Outbox & { audience: number },
  ): Promise<{ repost: RepostRecord; created: boolean } | null>;
  /** Strongly consistent. */
  get(statusId: string, reposter: string): Promise<RepostRecord | null>;
  /** Which of these (statusId, reposter) reposts stand (batched key lookups), as `statusId reposter` strings. */
  standing(keys: readonly { statusId: string; reposter: string }[]): Promise<Set<string>>;
  /** Removes the repost and its delivery record, with the outbox jobs; the removed record, or null if none. */
  delete(statusId: string, reposter: string, options?: Outbox): Promise<RepostRecord | null>;
  /**
   * Reposts of a status, oldest first (SQLite) or by reposter alias (DynamoDB); `after` is the `next` of the page
   * before (an adapter's own key).
   */
  byStatus(
    statusId: string,
    range: { after?: string; limit: number },
  ): Promise<{ items: RepostRecord[]; next: string | null }>;
  /** The reposter's reposts, newest first; `before` is an exclusive repost id (pulled reposters' read-time merge). May lag. */
  byReposter(reposter: string, range: { before?: string; limit: number }): Promise<RepostRecord[]>;
  /** Repost counts of these statuses (absent: 0). Converges. */
  counts(statusIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Sets the status's repost count from its reposts and returns it (the `counts.reconcile` job). SQLite counts
   * the rows at every read, so there it only counts; DynamoDB's ADDed count can be one off after a crash between a
   * repost's `counted` flag and its ADD, and this makes it exact again.
   */
  recount(statusId: string): Promise<number>;
  /** Of these statuses, those `viewer` reposted (strongly consistent). */
  mine(viewer: string, statusIds: readonly string[]): Promise<Set<string>>;
  /**
   * Writes the repost into these owners' feeds, at most once per feed and status: skipped where the status itself
   * or another repost of it is already in the feed (the first to arrive wins). Returns the owners written.
   */
  addToFeeds(repost: { id: string; statusId: string; reposter: string }, owners: readonly string[]): Promise<string[]>;
  /** Takes the repost out of these owners' feeds (and its once-per-feed claim); returns the owners it was in. */
  removeFromFeeds(repost: { id: string; statusId: string }, owners: readonly string[]): Promise<string[]>;
}
