import type { IndexedStatus } from './status-search.js';
import type { StatusRecord } from './store.js';

/** One populated status as the bulk path writes it: the record, its idempotency key and its search-index entry. */
export interface BulkStatus {
  status: StatusRecord;
  idempotencyKey: string;
  /** Null: the status is not indexed (as with SEARCH_INDEX=off). */
  indexed: IndexedStatus | null;
}

/**
 * The population tool's fast path (embedded file only): plain statuses written straight into the store's tables, a
 * batch per transaction, each with what the post, its fan-out and its index.status job would have written (the
 * status, its key, its finished delivery record and pages, the followers' feed entries, the index rows and the tag
 * counters). The AWS shape has none: its population goes through the Store port's batch writes.
 */
export interface PopulationWriter {
  /** Before the load: sizes the file's page cache for it (the follows and feed B-trees are written out of order). */
  start(): Promise<void>;
  /**
   * Writes the statuses whose author has no status under the same idempotency key yet (a rerun skips them), each
   * delivered to its author's followers at the time of the call. Returns what was added.
   */
  statuses(batch: readonly BulkStatus[], now: number): Promise<{ created: number; feedEntries: number }>;
  /** After the load: merges the search index into one segment and refreshes the planner's statistics. */
  finish(): Promise<void>;
}
