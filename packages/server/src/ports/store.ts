import type { Segment } from '@tweeter/shared';
import type { CardRepo } from './card-store.js';
import type { AccountDeletionRepo } from './account-deletions.js';
import type { JobRequest } from './job-queue.js';
import type { RelationRepo } from './relation-store.js';
import type { MediaImage, MediaRepo } from './media-repo.js';
import type { StatusSearchRepo } from './status-search.js';
import type { RepostRepo } from './repost-store.js';
import type { PeopleIndex } from './people-index.js';
import type { NotificationRepo } from './notification-store.js';
import type { QuoteRepo } from './quote-repo.js';
import type { AuditRepo, BoardRepo, CommentRepo, MemberRepo, MessageRepo, ReactionRepo } from './social-store.js';

export type * from './relation-store.js';
export type * from './social-store.js';
export type * from './card-store.js';
export type * from './account-deletions.js';
export type * from './media-repo.js';
export type * from './status-search.js';
export type * from './repost-store.js';
export type * from './people-index.js';
export type * from './notification-store.js';
export type * from './quote-repo.js';

// Records are what the store keeps; services turn them into API objects.
// Every repository method is a key lookup, a key-range read or a keyed write (no joins), so that a DynamoDB
// adapter (no cross-item transactions) can implement the same interfaces. Where a promise below is weaker than
// a SQL transaction would give, it says so: "converges" means exact in normal operation and repaired by a job
// after a fault; "may lag" names a read served from an eventually consistent index (DynamoDB GSI, typically
// well under a second behind the write).

export interface UserRecord {
  alias: string;
  firstName: string;
  lastName: string;
  passwordHash: string;
  imageKey: string | null;
  createdAt: number;
  followerCount: number;
  followeeCount: number;
  /** 0 to 160 code points; absent: empty (accounts created before bios, bulk-loaded ones). */
  bio?: string;
  /**
   * Set once the account's posts stop being fanned out (hybrid fan-out: too many followers), to the id of its
   * first status that was not; its statuses from that id on are merged into feeds at read time. Absent or null:
   * pushed (new accounts are created without it).
   */
  pulledSince?: string | null;
}

export interface SessionRecord {
  tokenHash: string;
  alias: string;
  createdAt: number;
  expiresAt: number;
}

export interface StatusRecord {
  id: string;
  author: string;
  post: string;
  segments: Segment[];
  createdAt: number;
  /** Not fanned out: merged into its author's followers' feeds at read time (hybrid fan-out). Absent: false. */
  pulled?: boolean;
  /** Attached images, copied in at post time (immutable, so a feed read needs no media lookup). Absent: none. */
  media?: MediaImage[];
  /** A reply: the status it answers and that status's author (copied at post time: a read needs no lookup). */
  inReplyToId?: string;
  inReplyToAuthor?: string;
  /** A quote: the status it quotes. */
  quoteOfId?: string;
}

/** A status as its author's export lists it. */
export interface AuthoredPost {
  id: string;
  post: string;
  createdAt: number;
}

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

/** A page read by key range: `next` is the last key of this page, or null on the last page. */
export interface KeyPage<T> {
  items: T[];
  next: string | null;
}

export interface RangeOptions {
  /** Exclusive start key (ascending lists) or upper bound (descending lists). */
  after?: string;
  /** At least 1 (callers validate). */
  limit: number;
}

/**
 * Jobs that belong to a write (transactional outbox): they are enqueued at least once if and only if the write
 * happened. SQLite commits them in the same transaction as the write. DynamoDB writes the item with its jobs and
 * a pending marker (a sparse index), sends them, then clears the marker; after a crash in between,
 * `Store.resendPending` sends them again. So a job may also arrive twice or late: processors are idempotent.
 */
export interface Outbox {
  outbox?: readonly JobRequest[];
}

export interface UserRepo {
  /** False when the alias is taken. Callers pass counts of 0: counts change only with follow edges. */
  create(user: UserRecord): Promise<boolean>;
  get(alias: string): Promise<UserRecord | null>;
  getMany(aliases: readonly string[]): Promise<Map<string, UserRecord>>;
  setImage(alias: string, imageKey: string | null): Promise<void>;
  /** Changes the given profile fields; returns the user as it is now, or null if there is none. */
  updateProfile(alias: string, changes: ProfileChanges): Promise<UserRecord | null>;
  /** Replaces the password hash (callers have checked the current password and end the other sessions). */
  setPasswordHash(alias: string, passwordHash: string): Promise<void>;
  /** Bulk insert for the population tool; existing aliases are left alone. Returns how many were new. */
  createMany(users: readonly UserRecord[]): Promise<number>;
  /**
   * Marks the account as pulled from status id `since` on (a single-item conditional write): sets pulledSince
   * when unset or later than `since`, so concurrent first pulled posts agree on the earliest. Never unset.
   */
  markPulled(alias: string, since: string): Promise<void>;
  /** Every pulled account with its pulledSince, ascending by alias (few: only accounts above the threshold). */
  pulledAccounts(): Promise<Map<string, string>>;
}

export interface ProfileChanges {
  firstName?: string;
  lastName?: string;
  bio?: string;
}

export interface FollowEdge {
  follower: string;
  followee: string;
}

/** Follower and followee counts as re-counted from the edges. */
export interface FollowCounts {
  followers: number;
  followees: number;
}

export interface SessionRepo {
  create(session: SessionRecord): Promise<void>;
  /** May return an expired session (callers compare expiresAt with the clock): expiry is decided at read time. */
  get(tokenHash: string): Promise<SessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
  /**
   * Removes every session of `alias` but `except` (a token hash; omitted: all of them) and returns the token hashes
   * it removed, expired ones included. Strongly consistent: a session created before the call is among them.
   */
  deleteOfUser(alias: string, options?: { except?: string }): Promise<string[]>;
  /**
   * Storage sweep: removes up to `limit` sessions with expiresAt <= now and returns how many. Reads never depend
   * on it. DynamoDB removes nothing here (0): items carry a `ttl` attribute and DynamoDB's TTL reclaims them.
   */
  deleteExpired(now: number, limit: number): Promise<number>;
}

export interface FollowRepo {
  /**
   * Adds the edge (a conditional write: exactly one caller wins) and both counts; false (and nothing written,
   * outbox included) if it existed. Counts converge: on DynamoDB they are ADDed right after the edge.
   */
  add(follower: string, followee: string, options: Outbox & { createdAt: number }): Promise<boolean>;
  /** Removes the edge and both counts; false (nothing written) if it did not exist. Counts converge as for add. */
  remove(follower: string, followee: string, options?: Outbox): Promise<boolean>;
  /** Strongly consistent. */
  exists(follower: string, followee: string): Promise<boolean>;
  /** Which of these edges exist (batched key lookups; strongly consistent), in the order given. */
  existing(edges: readonly FollowEdge[]): Promise<FollowEdge[]>;
  /** Aliases following `alias`, ascending; `after` is exclusive. Strongly consistent (fan-out reads it). */
  followers(alias: string, range: RangeOptions): Promise<KeyPage<string>>;
  /** Aliases `alias` follows, ascending. May lag (DynamoDB: a GSI). */
  followees(alias: string, range: RangeOptions): Promise<KeyPage<string>>;
  /** Bulk insert for the population tool (counts kept exact); returns how many edges were new. */
  addMany(edges: readonly { follower: string; followee: string }[], createdAt: number): Promise<number>;
  /** Re-counts both of alias's counts from the edges and stores them (reconciliation after a fault). */
  recount(alias: string): Promise<FollowCounts>;
}

export interface StatusRepo {
  /**
   * Writes the status, its delivery record (audience = `audience`) and the outbox jobs atomically. A pulled
   * status is not fanned out: its delivery record is written done, every follower counted as reached.
   * With an idempotency key this author used since `status.createdAt - IDEMPOTENCY_KEY_TTL_MS`, writes nothing
   * and returns the first status; an older key counts as unused (keys expire).
   */
  create(
    status: StatusRecord,
    options: Outbox & { idempotencyKey?: string; audience: number },
  ): Promise<{ status: StatusRecord; created: boolean }>;
  get(id: string): Promise<StatusRecord | null>;
  /**
   * Writes a status that has no delivery and no jobs (a comment made before replies were statuses, migrated when
   * first read) unless one with its id exists (a single conditional write); returns whether it wrote it.
   */
  adopt(status: StatusRecord): Promise<boolean>;
  getMany(ids: readonly string[]): Promise<Map<string, StatusRecord>>;
  /** The author's statuses, newest first; `before` is an exclusive status id. May lag (DynamoDB: a GSI). */
  byAuthor(author: string, range: { before?: string; limit: number }): Promise<StatusRecord[]>;
  /** As `byAuthor`, their id, text and time only (the export reads 100,000s: no segments to read or parse). */
  postsByAuthor(author: string, range: { before?: string; limit: number }): Promise<AuthoredPost[]>;
  /**
   * Removes the status, its delivery record and its idempotency key, with the outbox jobs; false if it did not
   * exist. (The status keeps its idempotency key, so the key is named, never searched for.)
   */
  delete(id: string, options?: Outbox): Promise<boolean>;
  /**
   * Whether a status with this id existed and was deleted (a small marker written with the delete, kept for good:
   * a reply to it gets "deleted" rather than "not found"). False for an id that never existed or still does.
   */
  wasDeleted(id: string): Promise<boolean>;
  /**
   * Storage sweep: removes up to `limit` idempotency keys created at or before `before`; returns how many.
   * DynamoDB removes nothing here (0): TTL reclaims the key items, and reads ignore expired keys.
   */
  deleteExpiredKeys(before: number, limit: number): Promise<number>;
}

export interface FeedRepo {
  /** Newest first; `before` is an exclusive status id. */
  page(owner: string, range: { before?: string; limit: number }): Promise<FeedEntry[]>;
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

export interface Store {
  users: UserRepo;
  sessions: SessionRepo;
  follows: FollowRepo;
  statuses: StatusRepo;
  feeds: FeedRepo;
  deliveries: DeliveryRepo;
  boards: BoardRepo;
  members: MemberRepo;
  messages: MessageRepo;
  reactions: ReactionRepo;
  comments: CommentRepo;
  audit: AuditRepo;
  relations: RelationRepo;
  /** Link cards by normalized URL. */
  cards: CardRepo;
  /** Deleted accounts: tombstones, deletion progress and the alias reservation. */
  deletions: AccountDeletionRepo;
  media: MediaRepo;
  /** Status search: the term index and the hashtag trend counters. */
  search: StatusSearchRepo;
  /** Reposts, their counts and their feed entries. */
  reposts: RepostRepo;
  /** People search: normalized alias and name terms; accounts followed by many. */
  people: PeopleIndex;
  /** Notification groups and their actor entries. */
  notifications: NotificationRepo;
  /** Which statuses quote which, and quote counts. */
  quotes: QuoteRepo;
  /**
   * Sends again the outbox jobs of writes still marked pending since before `before` (a process that died
   * between its write and the send), up to `limit`; returns how many writes it finished. Run on a schedule.
   * SQLite: always 0, its outbox commits with the write.
   */
  resendPending(before: number, limit: number): Promise<number>;
  /** Cheap reachability check for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
