import type { Segment } from '@tweeter/shared';
import type { JobRequest } from './job-queue.js';
import type { AuditRepo, BoardRepo, CommentRepo, MemberRepo, MessageRepo, ReactionRepo } from './social-store.js';

export type * from './social-store.js';

// Records are what the store keeps; services turn them into API objects.
// Every repository method is a key lookup, a key-range read or a keyed write (no joins),
// so that a DynamoDB adapter can implement the same interfaces.

export interface UserRecord {
  alias: string;
  firstName: string;
  lastName: string;
  passwordHash: string;
  imageKey: string | null;
  createdAt: number;
  followerCount: number;
  followeeCount: number;
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
}

export interface FeedEntry {
  owner: string;
  statusId: string;
  author: string;
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

/** Jobs written atomically with the change they belong to (transactional outbox). */
export interface Outbox {
  outbox?: readonly JobRequest[];
}

export interface UserRepo {
  /** False when the alias is taken. Callers pass counts of 0: counts change only with follow edges. */
  create(user: UserRecord): Promise<boolean>;
  get(alias: string): Promise<UserRecord | null>;
  getMany(aliases: readonly string[]): Promise<Map<string, UserRecord>>;
  setImage(alias: string, imageKey: string | null): Promise<void>;
  /** Bulk insert for the population tool; existing aliases are left alone. Returns how many were new. */
  createMany(users: readonly UserRecord[]): Promise<number>;
}

export interface SessionRepo {
  create(session: SessionRecord): Promise<void>;
  get(tokenHash: string): Promise<SessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
  /** Removes sessions with expiresAt <= now; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

export interface FollowRepo {
  /** Adds the edge and both counts; false (and nothing written, outbox included) if it existed. */
  add(follower: string, followee: string, options: Outbox & { createdAt: number }): Promise<boolean>;
  /** Removes the edge and both counts; false (nothing written) if it did not exist. */
  remove(follower: string, followee: string, options?: Outbox): Promise<boolean>;
  exists(follower: string, followee: string): Promise<boolean>;
  /** Aliases following `alias`, ascending; `after` is exclusive. */
  followers(alias: string, range: RangeOptions): Promise<KeyPage<string>>;
  /** Aliases `alias` follows, ascending. */
  followees(alias: string, range: RangeOptions): Promise<KeyPage<string>>;
  /** Bulk insert for the population tool (counts kept exact); returns how many edges were new. */
  addMany(edges: readonly { follower: string; followee: string }[], createdAt: number): Promise<number>;
}

export interface StatusRepo {
  /**
   * Writes the status, its delivery record (audience = `audience`) and the outbox jobs atomically.
   * With an idempotency key already used by this author, writes nothing and returns the first status.
   */
  create(
    status: StatusRecord,
    options: Outbox & { idempotencyKey?: string; audience: number },
  ): Promise<{ status: StatusRecord; created: boolean }>;
  get(id: string): Promise<StatusRecord | null>;
  getMany(ids: readonly string[]): Promise<Map<string, StatusRecord>>;
  /** The author's statuses, newest first; `before` is an exclusive status id. */
  byAuthor(author: string, range: { before?: string; limit: number }): Promise<StatusRecord[]>;
  /** Removes the status, its delivery record and its idempotency key, with the outbox jobs; false if it did not exist. */
  delete(id: string, options?: Outbox): Promise<boolean>;
}

export interface FeedRepo {
  /** Newest first; `before` is an exclusive status id. */
  page(owner: string, range: { before?: string; limit: number }): Promise<FeedEntry[]>;
  /** Idempotent insert (owner, statusId is the key); returns how many were new. */
  addMany(entries: readonly FeedEntry[]): Promise<number>;
  /** Removes every entry by `author` from `owner`'s feed. */
  removeByAuthor(owner: string, author: string): Promise<number>;
  /** Removes one status from these owners' feeds. */
  removeStatus(statusId: string, owners: readonly string[]): Promise<number>;
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
   * Writes one page of feed entries idempotently and, the first time `pageKey` is seen for this status,
   * adds `entries.length` to delivered. Marks the delivery done when planning is done and delivered reaches
   * the audience. Returns the feed entries that were new.
   */
  deliverPage(statusId: string, pageKey: string, entries: readonly FeedEntry[], now: number): Promise<number>;
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
  /** Cheap reachability check for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
