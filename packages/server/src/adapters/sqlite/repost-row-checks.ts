import type { RepostRowChecksReader } from '../../ports/repost-row-checks.js';
import type { Db } from './database.js';

type Row = [string, string, number, number, string | null];

/**
 * A feed page's repost rows checked in one statement: whether each repost stands (the reposts primary key), and
 * whether the owner's feed holds its status as itself (the feed_entries primary key) or as a repost entry
 * (feed_repost_once), instead of two statements that each parse a list and cross into JavaScript on their own.
 * The same figures as `RepostRepo.standing` and `FeedRepo.presence`; the tables are those repositories'.
 */
export function createRepostRowChecksReader(db: Db): RepostRowChecksReader {
  const select = db
    .prepare<{ owner: string; keys: string }, Row>(
      `SELECT k.s, k.r,
         EXISTS (SELECT 1 FROM reposts WHERE status_id = k.s AND reposter = k.r),
         EXISTS (SELECT 1 FROM feed_entries WHERE owner = @owner AND status_id = k.s),
         (SELECT status_id FROM feed_entries WHERE original = k.s AND owner = @owner)
       FROM (SELECT json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS r FROM json_each(@keys)) AS k`,
    )
    .raw();
  return {
    async read(owner, keys) {
      const out = { standing: new Set<string>(), presence: { plain: new Set<string>(), reposts: new Map() } };
      if (keys.length === 0) return out;
      const given = JSON.stringify(keys.map((k) => [k.statusId, k.reposter]));
      for (const [statusId, reposter, stands, plain, repost] of select.all({ owner, keys: given })) {
        if (stands === 1) out.standing.add(`${statusId} ${reposter}`);
        if (plain === 1) out.presence.plain.add(statusId);
        if (repost !== null) out.presence.reposts.set(statusId, repost);
      }
      return out;
    },
  };
}
