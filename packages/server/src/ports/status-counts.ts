import type { ReactionKind } from '@tweeter/shared';

/** The counters of one status and the viewer's part in them, as a page of statuses shows them. */
export interface StatusCounts {
  like: number;
  heart: number;
  /** The viewer's own reactions to it, in REACTION_KINDS order; empty without a viewer. */
  mine: ReactionKind[];
  /** Direct replies. */
  comments: number;
  quotes: number;
  reposts: number;
  repostedByMe: boolean;
}

/**
 * Every counter of a page of statuses in one read (SQLite: one statement). Optional on a store: without it the
 * hydrator reads the same figures from the reaction, comment, quote and repost repositories, one batched read
 * each, which is what the DynamoDB shape does (its counters live on separate items anyway).
 */
export interface StatusCountsReader {
  /** Counts per id asked (ids of statuses nobody touched get zeros); `viewer` null: nobody in particular. */
  read(ids: readonly string[], viewer: string | null): Promise<Map<string, StatusCounts>>;
}
