import type { Statement } from 'better-sqlite3';
import type { RepostRowChecksReader } from '../../ports/repost-row-checks.js';
import type { Db } from './database.js';

type Row = [string, string, number, number, string | null];

/** Keys bound in one statement; a longer list is read in chunks of this many (a page has at most ~100 rows). */
const CHUNK = 32;

/**
 * A feed page's repost rows checked in one statement: whether each repost stands (the reposts primary key), and
 * whether the owner's feed holds its status as itself (the feed_entries primary key) or as a repost entry
 * (feed_repost_once), instead of two statements that each parse a list and cross into JavaScript on their own.
 * The keys are bound as a VALUES list (one prepared statement per length, made on first use): parsing them from
 * JSON (json_each, json_extract) cost the statement more than its seeks. The same figures as
 * `RepostRepo.standing` and `FeedRepo.presence`; the tables are those repositories'.
 */
export function createRepostRowChecksReader(db: Db): RepostRowChecksReader {
  const byLength = new Map<number, Statement<string[], Row>>();
  const statement = (n: number): Statement<string[], Row> => {
    let select = byLength.get(n);
    if (select === undefined) {
      select = db
        .prepare<string[], Row>(
          `WITH k(s, r) AS (VALUES ${Array.from({ length: n }, () => '(?, ?)').join(', ')})
           SELECT k.s, k.r,
             EXISTS (SELECT 1 FROM reposts WHERE status_id = k.s AND reposter = k.r),
             EXISTS (SELECT 1 FROM feed_entries WHERE owner = ? AND status_id = k.s),
             (SELECT status_id FROM feed_entries WHERE original = k.s AND owner = ?)
           FROM k`,
        )
        .raw();
      byLength.set(n, select);
    }
    return select;
  };
  return {
    async read(owner, keys) {
      const out = { standing: new Set<string>(), presence: { plain: new Set<string>(), reposts: new Map() } };
      for (let start = 0; start < keys.length; start += CHUNK) {
        const chunk = keys.slice(start, start + CHUNK);
        const args: string[] = [];
        for (const k of chunk) args.push(k.statusId, k.reposter);
        args.push(owner, owner);
        for (const [statusId, reposter, stands, plain, repost] of statement(chunk.length).all(...args)) {
          if (stands === 1) out.standing.add(`${statusId} ${reposter}`);
          if (plain === 1) out.presence.plain.add(statusId);
          if (repost !== null) out.presence.reposts.set(statusId, repost);
        }
      }
      return out;
    },
  };
}
