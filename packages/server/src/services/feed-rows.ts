import type { FeedEntry, FeedPresence, RepostRecord } from '../ports/store.js';
import { idTime } from '../domain/ids.js';

/** One row of a feed page: the entry's key (for the cursor), the status it shows, and who reposted it, if anyone. */
export interface FeedRow {
  key: string;
  statusId: string;
  author: string;
  /** Set when the row reached the feed as a repost. */
  repost?: { reposter: string; at: number };
}

/** A feed entry as a row: a repost entry shows its original, reposted at its own id's time. */
export function rowOfEntry(e: FeedEntry, originalAuthor?: string): FeedRow {
  if (e.original === undefined) return { key: e.statusId, statusId: e.statusId, author: e.author };
  return {
    key: e.statusId,
    statusId: e.original,
    author: originalAuthor ?? '',
    repost: { reposter: e.author, at: timeOf(e.statusId) },
  };
}

/** A pulled reposter's repost merged at read time. */
export function rowOfRepost(r: RepostRecord): FeedRow {
  return { key: r.id, statusId: r.statusId, author: r.author, repost: { reposter: r.reposter, at: r.createdAt } };
}

/**
 * At most once per page: a status shown as itself wins over its reposts, and of several reposts of it the oldest
 * (the first to reach the feed) stays. The stores keep it once per feed; this covers what they cannot see (pulled
 * reposters merged at read time). `rows` are newest first.
 */
export function oncePerStatus(rows: readonly FeedRow[]): FeedRow[] {
  const plain = new Set(rows.filter((r) => r.repost === undefined).map((r) => r.statusId));
  const oldestRepost = new Map<string, string>();
  for (const r of rows) if (r.repost !== undefined && !plain.has(r.statusId)) oldestRepost.set(r.statusId, r.key);
  return rows.filter((r) => r.repost === undefined || oldestRepost.get(r.statusId) === r.key);
}

/** Where a feed holds the statuses a page's repost rows show (`FeedRepo.presence`) and the pulled reposts of them. */
export interface FeedHolding {
  presence: FeedPresence;
  /** The pulled accounts the viewer follows: their statuses are merged as themselves. */
  pulled: ReadonlySet<string>;
  /** Per status, the oldest repost of it by one of those accounts. */
  pulledFirst: ReadonlyMap<string, string>;
}

/**
 * Whether a repost row shows, the same on every page: not where the status is in the feed as itself (its own
 * entry, or merged because its author is pulled), and only the oldest of the reposts of it that are in the feed.
 */
export function shownInFeed(row: FeedRow, feed: FeedHolding): boolean {
  if (feed.presence.plain.has(row.statusId) || feed.pulled.has(row.author)) return false;
  for (const other of [feed.presence.reposts.get(row.statusId), feed.pulledFirst.get(row.statusId)])
    if (other !== undefined && other < row.key) return false;
  return true;
}

// A repost id is a ULID of the repost time; anything else (hand-made test ids) reads as time 0.
function timeOf(id: string): number {
  try {
    return idTime(id);
  } catch {
    return 0;
  }
}
