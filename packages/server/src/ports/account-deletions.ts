import type { JobRequest } from './job-queue.js';
import type { KeyPage, RangeOptions } from './store.js';

// Account deletion: the account stops existing at once (its user record goes, a tombstone takes its alias), then
// jobs remove what it left behind one bounded step at a time. The tombstone holds the progress, so a crash resumes
// where the last finished chunk left it, and it keeps the alias reserved until `reservedUntil`.

/** How long a deleted account's alias stays reserved (nobody can register it and pose as the departed user). */
export const ALIAS_RESERVATION_MS = 30 * 24 * 3_600_000;

/**
 * Where a deletion is: the step it is on, the step's resume point (null: from the start) and a sequence number
 * that every advance increments, so a replayed or duplicated job (same seq as an older position) changes nothing.
 */
export interface DeletionProgress {
  step: string;
  cursor: string | null;
  seq: number;
}

export interface DeletionRecord extends DeletionProgress {
  alias: string;
  /** The account's profile picture, removed by the `picture` step. */
  imageKey: string | null;
  deletedAt: number;
  reservedUntil: number;
}

/** The step every finished deletion ends on. */
export const DELETION_DONE = 'done';

/** A board message an account wrote (its cursor: `<boardId>#<id>`). */
export interface AuthoredMessage {
  boardId: string;
  id: string;
}

export interface AccountDeletionRepo {
  /**
   * Removes the user record and writes the tombstone with `outbox` (the first step's job) as one write (SQLite: a
   * transaction; DynamoDB: the tombstone carries the user's removal and the job as its outbox, finished by the
   * sweeper after a crash). False (nothing written) when the user does not exist or is being deleted already.
   */
  begin(record: DeletionRecord, outbox: readonly JobRequest[]): Promise<boolean>;
  /** The tombstone of `alias` (strongly consistent), or null. */
  get(alias: string): Promise<DeletionRecord | null>;
  /**
   * Compare-and-set on the progress: applied (with `outbox`, the next step's job) only while the stored seq equals
   * `from.seq`; `to.seq` must be `from.seq + 1`. False: a replayed job, or the tombstone is gone.
   */
  advance(alias: string, from: DeletionProgress, to: DeletionProgress, outbox: readonly JobRequest[]): Promise<boolean>;
  /** Finished deletions whose reservation ended at or before `now`, oldest first, at most `limit`. */
  expired(now: number, limit: number): Promise<string[]>;
  /** Frees the alias: removes a finished tombstone whose reservation ended at or before `now`; false otherwise. */
  release(alias: string, now: number): Promise<boolean>;
  /**
   * Hands a board over (idempotent): `to` becomes its owner (its membership's role too), `from`'s membership goes
   * and memberCount drops by one when that membership was still there.
   */
  transferBoard(boardId: string, from: string, to: string): Promise<void>;
  /** Removes a board's item and its owner's membership (its messages and other members must be gone already). */
  deleteBoard(boardId: string): Promise<void>;
  /**
   * The board messages `alias` wrote, in cursor order; `after` is an exclusive cursor. May lag (DynamoDB: a gsi1
   * partition). Its reactions and comments are listed by ReactionRepo.byUser and CommentRepo.byAuthor (the
   * export reads them too).
   */
  messagesBy(alias: string, range: RangeOptions): Promise<KeyPage<AuthoredMessage>>;
  /** Removes a comment for good (its soft delete has uncounted it already). Idempotent. */
  eraseComment(statusId: string, id: string): Promise<void>;
}
