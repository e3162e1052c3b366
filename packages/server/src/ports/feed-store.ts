// Home feeds and the fan-out's delivery records: the ports the two fan-out stages write through.
import type { Outbox } from './store.js';
import type { StatusCounts } from './status-counts.js';

export interface FeedEntry {
  owner: string;
  /** The entry's key: a status id, or a repost id when `original` is set. */
  statusId: string;
  /** The status's author, or the reposter of a repost. */
  author: string;
  /** Set on a repost: the id of the status it shows (ports/repost-store.ts). */
  original?: string;
}

export type DeliveryState = 'queued' | 'running' | 'done';

export interface DeliveryRecord {
  statusId: string;
  author: string;
  state: DeliveryState;
  /** Followers the status goes to: the follower count at post time until planning ends, then the planned count. */
  audience: number;
  /** Followers whose feed page has been written. */
  delivered: number;
  /** Followers put into deliver jobs so far. */
  planned: number;
  /** Last follower alias planned (resume point after a crash); null before the first page. */
  cursor: string | null;
  planDone: boolean;
  createdAt: number;
  finishedAt: number | null;
  /** Set on a repost's delivery (keyed by the repost id, author = the reposter): the status it reposts. */
  original?: string;
}

export interface FeedRepo {
  /** Newest first; `before` is an exclusive status id. */
  page(owner: string, range: { before?: string; limit: number }): Promise<FeedEntry[]>;
  /**
   * `page`, with the counters of each entry's status (a repost's original) as `owner` sees them, by status id, read
   * in the same statement (SQLite), so a feed page's counters need no read of their own. Optional: without it a
   * page reads them beside its records, as every other page of statuses does.
   * `hidden`: of the entries' authors (a repost entry's is its reposter), those `owner`'s feed leaves out, read in the
   * same statement by Visibility's rule (`feedHidden`: a block either way, or muted by `owner`; never `owner`).
   */
  pageCounted?(
    owner: string,
    range: { before?: string; limit: number },
  ): Promise<{ entries: FeedEntry[]; counts: Map<string, StatusCounts>; hidden: Set<string> }>;
  /**
   * Idempotent insert (owner, statusId is the key). Returns how many it wrote: exactly the new ones on SQLite;
   * every entry on DynamoDB, whose batch writes cannot tell a new item from a rewritten one.
   */
  addMany(entries: readonly FeedEntry[]): Promise<number>;
  /**
   * Removes every entry by `author` from `owner`'s feed (unfollow purge). It reads the owner's whole feed, which
   * trimming keeps near `FEED_MAX_ENTRIES`, so it needs no index by author (DynamoDB: strongly consistent).
   */
  removeByAuthor(owner: string, author: string): Promise<number>;
  /** As `removeByAuthor`, returning the status ids it removed (a deletion tells the owner's open feeds). */
  removeByAuthorIds(owner: string, author: string): Promise<string[]>;
  /** Removes one status from these owners' feeds. */
  removeStatus(statusId: string, owners: readonly string[]): Promise<number>;
  /**
   * Storage bound: removes at most `limit` entries of `owner`'s feed past its newest `keep` (the newest of them
   * first); returns how many. Fewer than `limit`: none were left past the bound when it looked. Idempotent, and safe
   * beside deliveries (an entry among the newest `keep` as it reads them is never removed; SQLite decides and deletes in one
   * statement, DynamoDB reads the keys then deletes them, so an unfollow purge in between may leave the feed
   * a few entries short of `keep` until new ones arrive).
   */
  trim(owner: string, options: { keep: number; limit: number }): Promise<number>;
  /**
   * Of `owners`, those whose feed holds more than `keep` entries now: a read, so a trim check of a feed within its
   * bound (nearly every check) queues no job and writes nothing. Optional: without it every check queues its trim.
   */
  pastBound?(owners: readonly string[], keep: number): Promise<string[]>;
  /**
   * How these statuses are in `owner`'s feed: those held as themselves (`plain`) and, for each held as a repost, the
   * repost entry's key (one at most: the once-per-feed rule). The feed read uses it so that a status that reached
   * the feed both ways (a follow's backfill or a slower fan-out after a repost of it) shows once on every page.
   */
  presence(owner: string, statusIds: readonly string[]): Promise<FeedPresence>;
}

/** What `FeedRepo.presence` finds. */
export interface FeedPresence {
  plain: Set<string>;
  /** Status id to the key of its repost entry in the feed. */
  reposts: Map<string, string>;
}

export interface DeliveryRepo {
  get(statusId: string): Promise<DeliveryRecord | null>;
  /**
   * Records one planned page atomically with its deliver jobs (compare-and-set on the cursor): applied only
   * when the stored cursor equals `from` and planning is not done. Sets cursor to `to`, adds `count` to
   * planned, and when `last`, marks planning done and sets audience to the planned total. Returns whether
   * it was applied (false: a replayed step, or the record is gone).
   */
  recordPlanned(
    statusId: string,
    step: { from: string | null; to: string | null; count: number; last: boolean },
    options?: Outbox,
  ): Promise<boolean>;
  /**
   * Writes the status into the feeds of those `owners` who follow its author when the entries are written
   * (SQLite checks the edges in the same transaction; DynamoDB re-reads the edges after its batch write and
   * removes the entries of anyone who unfollowed meanwhile, whose unfollow purge may have run already). So an
   * unfollow racing a fan-out never leaves the status behind. Writes nothing once the status is deleted.
   * With `page`, the first time `page.key` is seen for this status (a conditional write on DynamoDB), adds
   * `page.count` (the followers planned for the page, whoever still follows) to delivered, and marks the
   * delivery done when planning is done and delivered reaches the audience. Idempotent. Returns the entries
   * written, counted as `FeedRepo.addMany` counts them.
   */
  deliverPage(
    delivery: { statusId: string; author: string },
    owners: readonly string[],
    options: { now: number; page?: { key: string; count: number } },
  ): Promise<number>;
  /**
   * Writes the status into the feeds of its author's followers in the key range (after, to] as the follow edges
   * are when the entries are written, at most `limit` of them in key order; the store reads the range itself, so
   * a deliver job carries a range, never a list of aliases. Same guarantees as `deliverPage`: an unfollow racing
   * the write never leaves the status behind, nothing is written once the status is deleted, a replay changes
   * nothing. `next` is the last follower read when the range may hold more (call again with `after: next`), null
   * when the range is done; only the call that reaches the end of the range counts `page` (once per key, as
   * `deliverPage` does). `owners` are those whose entry this call wrote (for the realtime push); `added` counts
   * them as `FeedRepo.addMany` counts.
   */
  deliverRange(
    delivery: { statusId: string; author: string },
    range: { after: string | null; to: string; limit: number },
    options: { now: number; page: { key: string; count: number } },
  ): Promise<RangeDelivery>;
  /**
   * Optional (SQLite): fans out many posts whose whole audience fits in one page in ONE transaction, each as
   * `fanout.plan` would (its page recorded as planned, written with `deliverRange`'s guarantees, counted once
   * with the page key `to`). Each post is `gone` (no delivery record: deleted), `pass` (planning has started, or
   * more than `pageSize` follow: left to the plan job's own path) or `delivered`. All or nothing: when it
   * throws, nothing was written.
   */
  deliverSmall?(
    posts: readonly { statusId: string; author: string }[],
    options: { pageSize: number; now: number },
  ): Promise<SmallDelivery[]>;
}

/** What `DeliveryRepo.deliverSmall` did with one post. */
export type SmallDelivery =
  | { outcome: 'gone' }
  | { outcome: 'pass' }
  /** `finished`: this write completed the delivery (createdAt is the delivery's, for the fan-out lag). */
  | { outcome: 'delivered'; owners: string[]; finished: boolean; createdAt: number };

/** What one `DeliveryRepo.deliverRange` call did. */
export interface RangeDelivery {
  added: number;
  owners: string[];
  next: string | null;
}
