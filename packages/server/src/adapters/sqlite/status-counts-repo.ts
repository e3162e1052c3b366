import { REACTION_KINDS, type ReactionKind } from '@tweeter/shared';
import type { StatusCounts, StatusCountsReader } from '../../ports/status-counts.js';
import type { Db } from './database.js';

type Row = [string, number | null, number | null, string | null, number | null, number | null, number, number];

/**
 * A page's counters in one statement: one pass over the id list with a key seek per counter, instead of six
 * statements that each parse the list again and cross into JavaScript on their own (reactions, the viewer's
 * reactions, comments, quotes, reposts, the viewer's reposts). The tables and their upkeep are the repositories'.
 */
export function createStatusCountsReader(db: Db): StatusCountsReader {
  const select = db
    .prepare<{ ids: string; viewer: string | null }, Row>(
      `SELECT j.value,
         (SELECT count FROM reaction_counts WHERE target = 'status:' || j.value AND kind = 'like'),
         (SELECT count FROM reaction_counts WHERE target = 'status:' || j.value AND kind = 'heart'),
         (SELECT group_concat(kind) FROM reactions WHERE target = 'status:' || j.value AND alias = @viewer),
         (SELECT count FROM comment_counts WHERE status_id = j.value),
         (SELECT count FROM quote_counts WHERE status_id = j.value),
         (SELECT COUNT(*) FROM reposts WHERE status_id = j.value),
         EXISTS (SELECT 1 FROM reposts WHERE status_id = j.value AND reposter = @viewer)
       FROM json_each(@ids) AS j`,
    )
    .raw();
  return {
    async read(ids, viewer) {
      const out = new Map<string, StatusCounts>();
      if (ids.length === 0) return out;
      for (const [id, like, heart, mine, comments, quotes, reposts, repostedByMe] of select.all({
        ids: JSON.stringify(ids),
        viewer,
      })) {
        out.set(id, {
          like: like ?? 0,
          heart: heart ?? 0,
          mine: mine === null ? [] : kinds(mine),
          comments: comments ?? 0,
          quotes: quotes ?? 0,
          reposts,
          repostedByMe: repostedByMe === 1,
        });
      }
      return out;
    },
  };
}

// The viewer's reactions in the order the API lists kinds (REACTION_KINDS), whatever order the rows came in.
function kinds(list: string): ReactionKind[] {
  const given = new Set(list.split(','));
  return REACTION_KINDS.filter((k) => given.has(k));
}
