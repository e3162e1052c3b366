import type { Segment } from '@tweeter/shared';
import type { CardRepo } from './card-store.js';
import type { AccountDeletionRepo } from './account-deletions.js';
import type { JobRequest } from './job-queue.js';
import type { RelationRepo } from './relation-store.js';
import type { StatusCountsReader } from './status-counts.js';
import type { RepostRowChecksReader } from './repost-row-checks.js';
import type { ProfileSliceReader } from './profile-slice.js';
import type { MediaImage, MediaRepo } from './media-repo.js';
import type { StatusSearchRepo } from './status-search.js';
import type { RepostRepo } from './repost-store.js';
import type { PeopleIndex } from './people-index.js';
import type { SearchReindexRepo } from './search-reindex.js';
import type { NotificationRepo } from './notification-store.js';
import type { QuoteRepo } from './quote-repo.js';
import type { DeliveryRepo, FeedRepo } from './feed-store.js';
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
export type * from './feed-store.js';
export type * from './search-reindex.js';

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
  /**
   * False when the alias is taken. Callers pass counts of 0: counts change only with follow edges. The outbox jobs
   * (the account's index.user) are queued with the write, and only when it created the account.
   */
  create(user: UserRecord, options?: Outbox): Promise<boolean>;
  get(alias: string): Promise<UserRecord | null>;
  getMany(aliases: readonly string[]): Promise<Map<string, UserRecord>>;
  setImage(alias: string, imageKey: string | null): Promise<void>;
  /**
   * Changes the given profile fields; returns the user as it is now, or null if there is none. The outbox jobs are
   * queued with the change (none when there is no such user).
   */
  updateProfile(alias: string, changes: ProfileChanges, options?: Outbox): Promise<UserRecord | null>;
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
  /**
   * Optional: `get` with its owner's createdAt (null: no such account) in one read, where the store can join them
   * (SQLite). An authentication that misses its cache makes this read; without it, `get` then UserRepo.get.
   */
  getWithOwner?(tokenHash: string): Promise<{ session: SessionRecord; ownerCreatedAt: number | null } | null>;
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
   * A reply (`inReplyToId`) gets its place in its thread (its comment record, counted) with it: SQLite in the same
   * transaction; DynamoDB through the status item's outbox marker, which stays until the place is written (a crash
   * in between is finished by `resendPending`). `parentGone` when the parent was deleted before the place could be
   * written (no place; the caller takes the reply back). A quote (`quoteOfId`) gets its edge (QuoteRepo.add) the same
   * way, unless the reply was taken back.
   */
  create(
    status: StatusRecord,
    options: Outbox & { idempotencyKey?: string; audience: number },
  ): Promise<{ status: StatusRecord; created: boolean; parentGone?: true }>;
  get(id: string): Promise<StatusRecord | null>;
  /**
   * Writes a status that has no delivery and no jobs (a comment made before replies were statuses, migrated when
   * first read) unless one with its id exists (a single conditional write); returns whether it wrote it.
   */
  adopt(status: StatusRecord): Promise<boolean>;
  getMany(ids: readonly string[]): Promise<Map<string, StatusRecord>>;
  /**
   * The author each reply among these statuses answers (`inReplyToAuthor`), by status id; statuses that are no reply,
   * or gone, are left out. Optional: a store that has it reads only that (SQLite: one statement, no records built);
   * without it the status hydrator reads the records.
   */
  replyParents?(ids: readonly string[]): Promise<Map<string, string>>;
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
  /** The search reindex (backfill): bounded reads of every status and account, and each run's state. */
  reindex: SearchReindexRepo;
  /** Notification groups and their actor entries. */
  notifications: NotificationRepo;
  /** Which statuses quote which, and quote counts. */
  quotes: QuoteRepo;
  /** A page's counters in one read, where the store can (SQLite); otherwise read from the repositories above. */
  statusCounts?: StatusCountsReader;
  /** A feed page's repost rows checked in one read, where the store can (SQLite); else `standing` and `presence`. */
  repostRowChecks?: RepostRowChecksReader;
  /** People search's slice of accounts with the viewer's edges in one read, where the store can (SQLite). */
  profileSlices?: ProfileSliceReader;
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
