import type { AuditAction, BoardRole, BoardVisibility, ReactionKind } from '@tweeter/shared';

// Boards, board messages, reactions, comments and the audit log. Like the rest of the Store, every method is
// a key lookup, a key-range read or a keyed write (no joins), so a DynamoDB adapter can implement them.

export interface BoardRecord {
  id: string;
  name: string;
  description: string;
  visibility: BoardVisibility;
  owner: string;
  /** Kept exact: changed in the same transaction as the membership rows. */
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

/** Audit entry written in the same transaction as the change, and only when the change happened. */
export interface Audited {
  audit?: AuditRecord;
}

export type ReactionTargetType = 'status' | 'message';
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
  /** Public boards, newest first; `before` is an exclusive board id. */
  publicBoards(range: { before?: string; limit: number }): Promise<BoardRecord[]>;
  /** Boards with a retention period, by id ascending; `after` is exclusive. */
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
    options?: Audited,
  ): Promise<{ previous: BoardRole | null; changed: boolean }>;
  /** Removes a member that is not the owner (memberCount - 1); false (nothing written) if there was none. */
  remove(boardId: string, alias: string, options?: Audited): Promise<boolean>;
  /** A board's members by alias; `after` is exclusive. */
  list(boardId: string, range: { after?: string; limit: number }): Promise<MemberRecord[]>;
  /** Ids of the boards alias is a member of, newest first; `before` is an exclusive board id. */
  boardsOf(alias: string, range: { before?: string; limit: number }): Promise<string[]>;
}

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
  create(message: MessageRecord): Promise<void>;
  get(boardId: string, id: string): Promise<MessageRecord | null>;
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

export interface ReactionRepo {
  /** Adds the reaction and counts it, both or neither; changed is false when it existed. Counts are after the write. */
  add(
    type: ReactionTargetType,
    id: string,
    alias: string,
    kind: ReactionKind,
    createdAt: number,
  ): Promise<{ changed: boolean; counts: ReactionTally }>;
  /** Removes the reaction and uncounts it; changed is false when there was none. */
  remove(
    type: ReactionTargetType,
    id: string,
    alias: string,
    kind: ReactionKind,
  ): Promise<{ changed: boolean; counts: ReactionTally }>;
  /** Counts for these targets; a target nobody ever reacted to may be missing (read it as zeros). */
  counts(type: ReactionTargetType, ids: readonly string[]): Promise<Map<string, ReactionTally>>;
  /** The kinds `alias` gave each of these targets; targets without any are left out. */
  mine(type: ReactionTargetType, alias: string, ids: readonly string[]): Promise<Map<string, ReactionKind[]>>;
  /** Removes every reaction and count of these targets (their target is gone); returns the reactions removed. */
  purge(type: ReactionTargetType, ids: readonly string[]): Promise<number>;
}

export interface CommentRepo {
  /** Writes the comment and counts it in the status's comment count, atomically. */
  create(comment: CommentRecord): Promise<void>;
  get(id: string): Promise<CommentRecord | null>;
  /** A status's comments, oldest first (deleted ones keep their place); `after` is exclusive. */
  list(statusId: string, range: { after?: string; limit: number }): Promise<CommentRecord[]>;
  /** Empties the text, marks it deleted and uncounts it; returns it as it is now and whether this call deleted it. */
  softDelete(id: string, options?: Audited): Promise<{ comment: CommentRecord; changed: boolean } | null>;
  /** Comments that are not deleted, per status; a status never commented on may be missing (read it as 0). */
  counts(statusIds: readonly string[]): Promise<Map<string, number>>;
  /** Removes up to `limit` comments of a deleted status (and its count once none is left); returns how many. */
  purgeStatus(statusId: string, limit: number): Promise<number>;
}

export interface AuditRepo {
  /** A scope's entries, newest first; `before` is an exclusive entry id. */
  list(scope: string, range: { before?: string; limit: number }): Promise<AuditRecord[]>;
}
