import type { AuditRecord, CommentRecord, CommentRepo } from '../../ports/store.js';
import { insertAudit } from './audit-repo.js';
import type { Db } from './database.js';
import { createPlacesDown } from './thread-places.js';

interface CommentRow {
  id: string;
  status_id: string;
  author: string;
  text: string;
  created_at: number;
  deleted: number;
}

type SoftDeleted = { comment: CommentRecord; changed: boolean } | null;

const bumpSql = `INSERT INTO comment_counts (status_id, count) VALUES (?, ?)
  ON CONFLICT (status_id) DO UPDATE SET count = count + excluded.count`;

/**
 * Writes a reply's place in its thread and counts it, only while its parent status exists (false otherwise: nothing
 * written); a place already written is left as it is (so a soft-deleted reply is never brought back). Runs inside
 * the caller's transaction: the status's own (StatusRepo.create) or the comment's.
 */
export function replyPlacer(db: Db): (c: CommentRecord) => boolean {
  const insert = db.prepare<[string, string, string, string, number]>(
    `INSERT INTO comments (id, status_id, author, text, created_at, deleted) VALUES (?, ?, ?, ?, ?, 0)
     ON CONFLICT (id) DO NOTHING`,
  );
  const bump = db.prepare<[string, number]>(bumpSql);
  const statusExists = db.prepare<[string], 1>('SELECT 1 FROM statuses WHERE id = ?').pluck();
  return (c) => {
    if (statusExists.get(c.statusId) === undefined) return false;
    if (insert.run(c.id, c.statusId, c.author, c.text, c.createdAt).changes === 1) bump.run(c.statusId, 1);
    return true;
  };
}

/**
 * Comments over SQLite, keyed by id with a (status, id) index; each status's count of live comments kept exact. A
 * comment is written only in a transaction that sees its status row.
 */
export function createCommentsRepo(db: Db): CommentRepo {
  const bump = db.prepare<[string, number]>(bumpSql);
  const select = db.prepare<[string], CommentRow>('SELECT * FROM comments WHERE id = ?');
  const selectList = db.prepare<[string, string, number], CommentRow>(
    'SELECT * FROM comments WHERE status_id = ? AND id > ? ORDER BY id LIMIT +?',
  );
  const selectByAuthor = db.prepare<[string, string, number], CommentRow>(
    'SELECT * FROM comments WHERE author = ? AND id > ? ORDER BY id LIMIT +?',
  );
  const markDeleted = db.prepare<[string]>("UPDATE comments SET deleted = 1, text = '' WHERE id = ? AND deleted = 0");
  // Read for every page of statuses: a join from the id list and rows as arrays (see the reactions repository).
  const selectCounts = db
    .prepare<[string], [string, number]>(
      'SELECT c.status_id, c.count FROM json_each(?) j JOIN comment_counts c ON c.status_id = j.value',
    )
    .raw();
  const selectOfStatus = db
    .prepare<[string, number], string>('SELECT id FROM comments WHERE status_id = ? ORDER BY id LIMIT +?')
    .pluck();
  // A thread's ancestors in one statement: up the places by primary key, each naming its parent.
  const selectUp = db.prepare<{ id: string; limit: number }, CommentRow>(
    `WITH RECURSIVE up(id, status_id, author, text, created_at, deleted, n) AS (
       SELECT id, status_id, author, text, created_at, deleted, 1 FROM comments WHERE id = @id
       UNION ALL
       SELECT c.id, c.status_id, c.author, c.text, c.created_at, c.deleted, up.n + 1
       FROM up JOIN comments c ON c.id = up.status_id WHERE up.n < @limit)
     SELECT id, status_id, author, text, created_at, deleted FROM up ORDER BY n`,
  );
  const remove = db.prepare<[string]>('DELETE FROM comments WHERE id = ?');
  const removeCount = db.prepare<[string]>('DELETE FROM comment_counts WHERE status_id = ?');
  const setCount = db
    .prepare<{ status: string }, number>(
      `INSERT INTO comment_counts (status_id, count)
       VALUES (@status, (SELECT count(*) FROM comments WHERE status_id = @status AND deleted = 0))
       ON CONFLICT (status_id) DO UPDATE SET count = excluded.count RETURNING count`,
    )
    .pluck();

  const placesDown = createPlacesDown(db);
  const create = db.transaction(replyPlacer(db));

  const softDelete = db.transaction((id: string, audit: AuditRecord | undefined): SoftDeleted => {
    const changed = markDeleted.run(id).changes === 1;
    const row = select.get(id);
    if (!row) return null;
    if (changed) {
      bump.run(row.status_id, -1);
      insertAudit(db, audit);
    }
    return { comment: toRecord(row), changed };
  });

  const purgeStatus = db.transaction((statusId: string, limit: number): number => {
    const ids = selectOfStatus.all(statusId, limit);
    for (const id of ids) remove.run(id);
    if (ids.length < limit) removeCount.run(statusId);
    return ids.length;
  });

  return {
    async create(comment) {
      return create.immediate(comment);
    },
    async get(id) {
      const row = select.get(id);
      return row ? toRecord(row) : null;
    },
    async list(statusId, range) {
      return selectList.all(statusId, range.after ?? '', range.limit).map(toRecord);
    },
    async placesUp(id, limit) {
      return selectUp.all({ id, limit }).map(toRecord);
    },
    async placesDown(id, limit) {
      return placesDown(id, limit);
    },
    async byAuthor(author, range) {
      return selectByAuthor.all(author, range.after ?? '', range.limit).map(toRecord);
    },
    async softDelete(id, options) {
      return softDelete.immediate(id, options?.audit);
    },
    async counts(statusIds) {
      const counts = new Map<string, number>();
      if (statusIds.length === 0) return counts;
      for (const [statusId, count] of selectCounts.all(JSON.stringify(statusIds))) counts.set(statusId, count);
      return counts;
    },
    async purgeStatus(statusId, limit) {
      return purgeStatus.immediate(statusId, limit);
    },
    async recount(statusId) {
      return setCount.get({ status: statusId }) ?? 0;
    },
  };
}

function toRecord(row: CommentRow): CommentRecord {
  return {
    id: row.id,
    statusId: row.status_id,
    author: row.author,
    text: row.text,
    createdAt: row.created_at,
    deleted: row.deleted === 1,
  };
}
