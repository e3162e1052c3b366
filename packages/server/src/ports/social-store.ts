import type { AuditAction, BoardRole, BoardVisibility, ReactionKind } from '@tweeter/shared';
import type { JobRequest } from './job-queue.js';
import type { NotifiedGroup } from './notification-store.js';
import type { Outbox } from './store.js';

// Boards, board messages, reactions, comments and the audit log. Like the rest of the Store, every method is
// a key lookup, a key-range read or a keyed write (no joins), so a DynamoDB adapter can implement them.
//
// Consistency (what a store without cross-item transactions may show; SQLite is exact everywhere):
// - Counts that span items (memberCount, reaction tallies, comment counts) are changed right after the item
//   they count; a fault in between leaves them off until `recount` (the `counts.reconcile` job) runs.
// - Lists read from a secondary index (publicBoards, withRetention, boardsOf) are eventually consistent: a
//   change may show there a moment (typically well under a second) after the write returned.
// - An audit entry is written right after the change it records, never before it: a crash in between can
//   lose that one entry, never invent one.

export interface BoardRecord {
  id: string;
  name: string;
  description: string;
  visibility: BoardVisibility;
  owner: string;
  /** Members on the board: exact on SQLite; on DynamoDB changed right after the membership item (see top). */
  memberCount: number;
  retentionDays: number | null;
  createdAt: number;
}

export interface MemberRecord {
  boardId: string;
  alias: string;
  role: BoardRole;
  joinedAt: number;
}

export interface MessageRecord {
  id: string;
  boardId: string;
  author: string;
  topic: string | null;
  /** Empty once deleted. */
  text: string;
  createdAt: number;
  deleted: boolean;
}

export interface CommentRecord {
  id: string;
  statusId: string;
  author: string;
  /** Empty once deleted. */
  text: string;
  createdAt: number;
  deleted: boolean;
}

/** A reply's place in its thread without its text (what a thread read needs). */
export type ThreadPlace = Omit<CommentRecord, 'text'>;

export interface AuditRecord {
  /** What the entry belongs to: `board:<id>`, or `status:<id>` for comment moderation. */
  scope: string;
  /** A ULID: entries of a scope sort by time. */
  id: string;
  actor: string;
  action: AuditAction;
  target: string;
  detail: Record<string, string | number | null>;
  createdAt: number;
}

/** Audit entry written with the change (see top), and only when the change happened. */
export interface Audited {
  audit?: AuditRecord;
}

export type ReactionTargetType = 'status' | 'message';

/** What `counts.reconcile` re-counts: a board's members, a status's reactions and comments, a message's reactions. */
export interface CountTarget {
  target: 'board' | 'status' | 'message';
  id: string;
}
export type ReactionTally = Record<ReactionKind, number>;

export interface BoardChanges {
  name?: string;
  description?: string;
  retentionDays?: number | null;
}

export interface BoardRepo {
  /** Writes the board and its owner's membership (memberCount 1) atomically. */
  create(board: BoardRecord): Promise<void>;
  get(id: string): Promise<BoardRecord | null>;
  getMany(ids: readonly string[]): Promise<Map<string, BoardRecord>>;
  /**
   * Applies the changes; returns the board as it was before, or null when it does not exist (nothing written).
   * The audit entry is written only when a value actually changed.
   */
  update(id: string, changes: BoardChanges, options?: Audited): Promise<BoardRecord | null>;
  /** Public boards, newest first; `before` is an exclusive board id. Eventually consistent (an index). */
  publicBoards(range: { before?: string; limit: number }): Promise<BoardRecord[]>;
  /** Boards with a retention period, by id ascending; `after` is exclusive. Eventually consistent (an index). */
  withRetention(range: { after?: string; limit: number }): Promise<BoardRecord[]>;
}

export interface MemberRepo {
  get(boardId: string, alias: string): Promise<MemberRecord | null>;
  /** `alias`'s roles on these boards (boards where alias is no member are left out). */
  rolesOf(alias: string, boardIds: readonly string[]): Promise<Map<string, BoardRole>>;
  /**
   * Adds the member (memberCount + 1) or changes their role. The owner's row never changes. Returns the role
   * before (null: added) and whether anything was written; the audit entry is written only then.
   * On a board that does not exist nothing is written.
   */
  put(
    member: MemberRecord & { role: 'member' | 'moderator' },
    options?: Audited & {
      /** Jobs that go with the member's addition only (its "added you" notification), as a write's outbox. */
      outboxIfAdded?: readonly JobRequest[];
    },
  ): Promise<{ previous: BoardRole | null; changed: boolean }>;
  /** Removes a member that is not the owner (memberCount - 1); false (nothing written) if there was none. */
  remove(boardId: string, alias: string, options?: Audited): Promise<boolean>;
  /** A board's members by alias; `after` is exclusive. */
  list(boardId: string, range: { after?: string; limit: number }): Promise<MemberRecord[]>;
  /** Ids of the boards alias is a member of, newest first; `before` is an exclusive board id. Eventually consistent. */
  boardsOf(alias: string, range: { before?: string; limit: number }): Promise<string[]>;
  /** Sets the board's memberCount to the number of its membership items; returns it (null: no such board). */
  recount(boardId: string): Promise<number | null>;
}

/** A message before the store gives it its id. */
export type MessageDraft = Omit<MessageRecord, 'id'>;

export interface MessageRange {
  /** 'desc': newest first (with `before`); 'asc': oldest first (with `after`). */
  order: 'asc' | 'desc';
  /** Exclusive upper bound. */
  before?: string;
  /** Exclusive lower bound. */
  after?: string;
  /** Inclusive lower bound: older ids are left out (retention). */
  since?: string;
  limit: number;
}

export interface MessageRepo {
  /**
   * Writes the message with an id the store assigns: a ULID-like id that sorts after every id of the board
   * already written, whichever process writes (so `page` with `after` never skips a message that lands later).
   */
  create(message: MessageDraft): Promise<MessageRecord>;
  get(boardId: string, id: string): Promise<MessageRecord | null>;
  /**
   * A key range of the board's timeline. Never returns a message past one that may still land: a store whose
   * writers can finish out of id order (DynamoDB) stops a page before an id still being written, until that
   * write lands or a settle window (docs/api.md) passes.
   */
  page(boardId: string, range: MessageRange): Promise<MessageRecord[]>;
  /** Empties the text and topic and marks it deleted; returns it as it is now and whether this call deleted it. */
  softDelete(
    boardId: string,
    id: string,
    options?: Audited,
  ): Promise<{ message: MessageRecord; changed: boolean } | null>;
  /** Ids older than `before` (exclusive), oldest first: what retention purges next. */
  idsBefore(boardId: string, before: string, limit: number): Promise<string[]>;
  /** Removes these messages for good; returns how many existed. */
  deleteMany(boardId: string, ids: readonly string[]): Promise<number>;
}

export interface ReactionChange {
  changed: boolean;
  counts: ReactionTally;
  /**
   * The kinds the reacting alias has on the target after the write, when the store read them in the write's own
   * transaction (SQLite); left out where that is not free (DynamoDB), and the caller reads them with `mine`.
   */
  mine?: ReactionKind[];
  /**
   * Where the store wrote the outbox's notification in the write's own transaction instead of queuing it (SQLite,
   * adapters/sqlite/reaction-notify.ts), the groups it changed: the caller pushes them live. Left out where the
   * notification goes through the `notify` queue (DynamoDB), whose stage pushes.
   */
  notified?: NotifiedGroup[];
}

/** A reaction's write options: its outbox, and (where the store has `checksBlocks`) whom it must not cross a block with. */
export interface ReactionWriteOptions extends Outbox {
  /**
   * The target's author: where the store `checksBlocks`, `add` answers null and writes nothing when the reacting
   * alias and this account have a block either way (read in the write's own transaction; the caller answers as if
   * the target were not there). Ignored by a store without `checksBlocks`: its caller checks before the write.
   */
  unlessBlockedWith?: string;
}

export interface ReactionRepo {
  /**
   * Whether `add` honours `unlessBlockedWith` (SQLite: one key read on the writer's warm connection, where the HTTP
   * thread's check read a connection whose page cache every commit empties). Absent: the caller checks blocks.
   */
  readonly checksBlocks?: boolean;
  /**
   * Adds the reaction and counts it, with the outbox's jobs (its notification) if it was new (ports/store.ts,
   * Outbox); changed is false when it existed. Counts are after the write. For a
   * status, only while the status exists: null (and nothing left behind) when it does not, so a reaction
   * racing the status's deletion can never outlive its purge; null too across a block with `unlessBlockedWith`
   * (see `checksBlocks`).
   */
  add(
    type: ReactionTargetType,
    id: string,
    alias: string,
    kind: ReactionKind,
    createdAt: number,
    options?: ReactionWriteOptions,
  ): Promise<ReactionChange | null>;
  /**
   * Removes the reaction and uncounts it; changed is false when there was none. The outbox's jobs (its notification's
   * retraction) go with a write that changed something, as `add`'s do.
   */
  remove(
    type: ReactionTargetType,
    id: string,
    alias: string,
    kind: ReactionKind,
    options?: Outbox,
  ): Promise<ReactionChange>;
  /** Counts for these targets; a target nobody ever reacted to may be missing (read it as zeros). */
  counts(type: ReactionTargetType, ids: readonly string[]): Promise<Map<string, ReactionTally>>;
  /** The kinds `alias` gave each of these targets; targets without any are left out. */
  mine(type: ReactionTargetType, alias: string, ids: readonly string[]): Promise<Map<string, ReactionKind[]>>;
  /**
   * Removes up to `limit` reactions of these targets (their target is gone), and the counts of targets left
   * with none; returns how many reactions it removed. Callers repeat while it returns `limit`.
   */
  purge(type: ReactionTargetType, ids: readonly string[], limit: number): Promise<number>;
  /** Sets the target's counts to the number of its reaction items; returns them. */
  recount(type: ReactionTargetType, id: string): Promise<ReactionTally>;
  /**
   * The reactions `alias` gave, in key order (type, target id, kind); `after` is the `next` of the previous page.
   * May lag (DynamoDB: a GSI).
   */
  byUser(
    alias: string,
    range: { after?: string; limit: number },
  ): Promise<{ items: UserReaction[]; next: string | null }>;
}

/** One reaction as its giver's export lists it. */
export interface UserReaction {
  type: ReactionTargetType;
  targetId: string;
  kind: ReactionKind;
  createdAt: number;
}

export interface CommentRepo {
  /**
   * Writes the comment and counts it in the status's comment count, only while the status exists: false (and
   * nothing left behind) when it does not, so a comment racing the status's deletion never outlives its purge.
   */
  create(comment: CommentRecord): Promise<boolean>;
  get(id: string): Promise<CommentRecord | null>;
  /** A status's comments, oldest first (deleted ones keep their place); `after` is exclusive. */
  list(statusId: string, range: { after?: string; limit: number }): Promise<CommentRecord[]>;
  /** Empties the text, marks it deleted and uncounts it; returns it as it is now and whether this call deleted it. */
  softDelete(id: string, options?: Audited): Promise<{ comment: CommentRecord; changed: boolean } | null>;
  /** Comments that are not deleted, per status; a status never commented on may be missing (read it as 0). */
  counts(statusIds: readonly string[]): Promise<Map<string, number>>;
  /** Removes up to `limit` comments of a deleted status (and its count once none is left); returns how many. */
  purgeStatus(statusId: string, limit: number): Promise<number>;
  /** Sets the status's comment count to the number of its comments not deleted; returns it. */
  recount(statusId: string): Promise<number>;
  /**
   * Optional (SQLite: one recursive read; DynamoDB reads a thread level by level): the place of `id` and those above
   * it, nearest first, each the place of the status the previous one names, at most `limit` (deleted ones included).
   */
  placesUp?(id: string, limit: number): Promise<CommentRecord[]>;
  /**
   * Optional (SQLite: one recursive read; DynamoDB walks a thread a status at a time): the places below `id`, depth
   * first, each reply followed by its own, oldest first, at most `limit` (deleted ones included); only a status with
   * live replies (a comment count above 0) has its replies listed.
   */
  placesDown?(id: string, limit: number): Promise<ThreadPlace[]>;
  /** The comments `author` wrote, oldest first (deleted ones included); `after` is exclusive. May lag (DynamoDB: a GSI). */
  byAuthor(author: string, range: { after?: string; limit: number }): Promise<CommentRecord[]>;
}

export interface AuditRepo {
  /** A scope's entries, newest first; `before` is an exclusive entry id. */
  list(scope: string, range: { before?: string; limit: number }): Promise<AuditRecord[]>;
}
