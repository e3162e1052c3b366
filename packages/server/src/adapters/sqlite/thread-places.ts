import type { ThreadPlace } from '../../ports/store.js';
import type { Db } from './database.js';

type Row = [string, string, string, number, number];

/** Ids up to this many characters order a thread exactly (ULIDs are 26); longer ones still list, in id order per level. */
const ID_WIDTH = 32;

/**
 * The places below a status, depth first, each reply followed by its own, oldest (lowest id) first, at most
 * `limit`, in one statement. A recursive read whose queue is ordered by each place's path (its ancestors' ids,
 * padded to one width, then its own): the smallest path is taken next, which is the depth-first order, and the LIMIT
 * stops the walk once that many places are taken, so a thread of any size costs `limit` places (and their
 * siblings queued); the outer read orders by the same path (at most `limit` rows to sort), so the order does not rest
 * on how SQLite happens to return a CTE's rows. Only the replies of a status that has live ones are listed (its
 * comment count above 0), as the level-by-level walk does; deleted places are listed where they are.
 */
export function createPlacesDown(db: Db): (id: string, limit: number) => ThreadPlace[] {
  // The walk carries ids and paths only (a narrow queue); each place's fields are read by key after, in its order.
  const select = db
    .prepare<{ id: string; limit: number }, Row>(
      `WITH RECURSIVE down(id, path) AS (
         SELECT id, printf('%-${ID_WIDTH}s', id) FROM comments WHERE status_id = @id
         UNION ALL
         SELECT c.id, down.path || printf('%-${ID_WIDTH}s', c.id)
         FROM down
         JOIN comment_counts n ON n.status_id = down.id AND n.count > 0
         JOIN comments c ON c.status_id = down.id
         ORDER BY 2 LIMIT +@limit)
       SELECT c.id, c.status_id, c.author, c.created_at, c.deleted FROM down CROSS JOIN comments c ON c.id = down.id
       ORDER BY down.path`,
    )
    .raw();
  return (id, limit) =>
    select.all({ id, limit }).map(([placeId, statusId, author, createdAt, deleted]) => ({
      id: placeId,
      statusId,
      author,
      createdAt,
      deleted: deleted === 1,
    }));
}
