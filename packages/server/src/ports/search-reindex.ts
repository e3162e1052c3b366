import type { Segment } from '@tweeter/shared';
import type { JobRequest } from './job-queue.js';
import type { StatusRecord, UserRecord } from './store.js';

/** What a reindex run goes over: every status (segments and terms) or every account (people terms). */
export type ReindexKind = 'statuses' | 'people';
export const REINDEX_KINDS: readonly ReindexKind[] = ['statuses', 'people'];

/** Where a reindex run of one kind stands: its id, the cursor its next step starts after (null: the start). */
export interface ReindexState {
  run: string;
  cursor: string | null;
  done: boolean;
  /** Rows the run's steps have read so far. */
  read: number;
  startedAt: number;
}

/** One bounded read: at most `limit` rows looked at, `next` the cursor after them (null: nothing left). */
export interface ReindexPage<T> {
  items: T[];
  /** Rows looked at (DynamoDB scans items of every kind and keeps the matching ones; SQLite: items.length). */
  read: number;
  next: string | null;
}

/**
 * The search reindex (backfill): bounded reads of every status and account in a stable order, the stored segments
 * of old statuses, and the state of each kind's run. A run moves from step to step by `advance`, which commits the
 * new cursor with the next step's job (SQLite: one transaction with the jobs table; DynamoDB: the state item's
 * outbox), so a step that crashes is redelivered and a duplicate step changes nothing (its cursor is stale).
 */
export interface SearchReindexRepo {
  /** Statuses after `after` in the adapter's order (SQLite: by id; DynamoDB: table scan order). */
  statuses(after: string | null, limit: number): Promise<ReindexPage<StatusRecord>>;
  /** Accounts after `after` (SQLite: by alias; DynamoDB: scan order). */
  users(after: string | null, limit: number): Promise<ReindexPage<UserRecord>>;
  /** Replaces a status's stored segments; false when the status is gone (never recreated). */
  setSegments(statusId: string, segments: readonly Segment[]): Promise<boolean>;
  state(kind: ReindexKind): Promise<ReindexState | null>;
  /** Starts run `run` from the beginning (replacing any other run of the kind), with its first step's job. */
  start(kind: ReindexKind, run: string, at: number, first: JobRequest | null): Promise<void>;
  /**
   * Moves run `run` from cursor `from` to `to` (null: done), adding `read` rows, with `next` (the next step's job)
   * committed with it. False (and nothing written) when the state is not at (`run`, `from`): a duplicate step.
   */
  advance(
    kind: ReindexKind,
    move: { run: string; from: string | null; to: string | null; read: number },
    next: JobRequest | null,
  ): Promise<boolean>;
}
