import type { CommentRecord } from '../../ports/store.js';
import type { Db } from './database.js';

type Row = [string, string, string, string, number, number];

/** Ids up to this many characters order a thread exactly (ULIDs are 26); longer ones still list, in id order per level. */
const ID_WIDTH = 32;

/**
 * The places below a status, depth first, each reply followed by its own, oldest (lowest id) first, at most
 * `limit`, in one statement. A recursive read whose queue is ordered by each place's path (its ancestors' ids,
 * padded to one width, then its own): the smallest path is taken next, which is the depth-first order, and the
 * LIMIT stops the walk once that many places are taken, so a thread of any size costs `limit` places (and their
 * siblings queued). Only the replies of a status that has live ones are listed (its comment count above 0), as the
 * level-by-level walk does; deleted places are listed where they are.
 */
export function createPlacesDown(db: Db): (id: string, limit: number) => CommentRecord[] {
  const select = db
    .prepare<{ id: string; limit: number }, Row>(
      `WITH RECURSIVE down(id, status_id, author, text, created_at, deleted, path) AS (
         SELECT id, status_id, author, text, created_at, deleted, printf('%-${ID_WIDTH}s', id)
         FROM comments WHERE status_id = @id
         UNION ALL
         SELECT c.id, c.status_id, c.author, c.text, c.created_at, c.deleted,
                down.path || printf('%-${ID_WIDTH}s', c.id)
         FROM down
         JOIN comment_counts n ON n.status_id = down.id AND n.count > 0
         JOIN comments c ON c.status_id = down.id
         ORDER BY 7 LIMIT @limit)
       SELECT id, status_id, author, text, created_at, deleted FROM down`,
    )
    .raw();
  return (id, limit) =>
    select.all({ id, limit }).map(([placeId, statusId, author, text, createdAt, deleted]) => ({
      id: placeId,
      statusId,
      author,
      text,
      createdAt,
      deleted: deleted === 1,
    }));
}
