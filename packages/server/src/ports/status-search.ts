/** A status as the search index takes it: its terms (shared `statusTerms`) and distinct tags (`statusTags`). */
export interface IndexedStatus {
  statusId: string;
  author: string;
  createdAt: number;
  terms: readonly string[];
  tags: readonly string[];
  /**
   * Whether the first index of the status counts its tags in the trend counters (default true). The reindex
   * passes false for statuses older than the trend window: trends are about the last 24 hours, not backfilled.
   */
  countTrends?: boolean;
}

/** One match: `key` is the adapter's position of it, passed back as `after` to read on (opaque to callers). */
export interface SearchHit {
  statusId: string;
  author: string;
  key: string;
}

/** A bounded read of matches: `next` continues after the last entry read, or is null when none are left. */
export interface SearchRead {
  hits: SearchHit[];
  next: string | null;
}

export interface TagTrend {
  tag: string;
  /** Statuses posted with it in the window. */
  statuses: number;
  /** Distinct accounts that posted it in the window. */
  accounts: number;
}

/** Hour number of a time (ms): the trend counters' buckets. */
export const hourOf = (ms: number): number => Math.floor(ms / 3_600_000);

/**
 * Status search: an inverted index from terms (words, `#tag`, `@alias`) to statuses, newest first, and hourly
 * hashtag counters kept as statuses are indexed. SQLite: an FTS5 table in the same file; DynamoDB: term
 * partitions written by the `index.status` job. Both read the same terms (`@tweeter/shared` search-terms), so a
 * query means the same on both.
 */
export interface StatusSearchRepo {
  /**
   * Indexes the status (idempotent). The first time it sees the status it also counts its tags in the hour of
   * `createdAt`: statuses +1, and the author once per tag, in the bucket of their latest use (so the accounts of a
   * window are distinct accounts). DynamoDB: the marker lists the tags still to count, and a retry (the job
   * redelivered) counts those; see the adapter for the one narrow window left.
   */
  index(status: IndexedStatus): Promise<void>;
  /**
   * `index` for many statuses in one write where the adapter can. SQLite: one transaction (one FTS5 flush for all,
   * not one per status) that indexes only the statuses still in the statuses table, so a status deleted before it
   * is never indexed: `checked` is true and the caller need not read the statuses again. DynamoDB: each `index`,
   * concurrently; `checked` is false (the caller looks again for statuses deleted meanwhile). On failure nothing
   * is known of the batch's statuses: index them one by one.
   */
  indexMany(statuses: readonly IndexedStatus[]): Promise<{ checked: boolean }>;
  /** Takes the status out of the index (idempotent). The tag counters keep it: they count what was posted. */
  remove(statusId: string): Promise<void>;
  /**
   * Statuses having every term, newest first, after `after` (a `key` or `next` this adapter gave), at most `limit`
   * of them, reading at most `scan` index entries (the bound on one call's work).
   */
  search(terms: readonly string[], range: { after?: string; limit: number; scan: number }): Promise<SearchRead>;
  /** The tags with the most distinct accounts over hours `from`..`to`, most first (ties: more statuses, then by tag). */
  trends(hours: { from: number; to: number }, limit: number): Promise<TagTrend[]>;
  /** Drops trend counters of hours before `beforeHour` (nothing reads them); returns how many rows/items went. */
  pruneTrends(beforeHour: number, limit: number): Promise<number>;
  /** Statuses in the index and its size in bytes (reported by the bench); null where the engine cannot tell cheaply. */
  size(): Promise<{ statuses: number; bytes: number | null } | null>;
}
