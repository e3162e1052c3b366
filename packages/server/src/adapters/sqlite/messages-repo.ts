import { idAfter } from '../../domain/message-ids.js';
import type { AuditRecord, MessageDraft, MessageRecord, MessageRepo } from '../../ports/store.js';
import { insertAudit } from './audit-repo.js';
import type { Db } from './database.js';

interface MessageRow {
  board_id: string;
  id: string;
  author: string;
  topic: string | null;
  text: string;
  created_at: number;
  deleted: number;
}

interface RangeParams {
  board: string;
  lo: string;
  hi: string;
  limit: number;
}

type SoftDeleted = { message: MessageRecord; changed: boolean } | null;

// Open bounds: '' sorts before every id and '~' after every character an id uses.
const BOTTOM = '';
const TOP = '~';

/**
 * A board's one timeline over SQLite, keyed (board, id). Ids are ULIDs taken inside the insert transaction, after
 * the board's newest id: writers are serialized by the write lock, so id order is commit order, even across
 * processes sharing the file, and a poller paging with `after` never skips a message.
 */
export function createMessagesRepo(db: Db): MessageRepo {
  const insert = db.prepare<[string, string, string, string | null, string, number]>(
    'INSERT INTO board_messages (board_id, id, author, topic, text, created_at, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)',
  );
  const select = db.prepare<[string, string], MessageRow>('SELECT * FROM board_messages WHERE board_id = ? AND id = ?');
  const selectNewest = db
    .prepare<[string], string | null>('SELECT max(id) FROM board_messages WHERE board_id = ?')
    .pluck();
  // One lower bound per statement (the larger of `after` and `since`), so the key range starts at the right place.
  const rangeQuery = (lower: '>' | '>=', order: 'ASC' | 'DESC') =>
    db.prepare<RangeParams, MessageRow>(
      `SELECT * FROM board_messages WHERE board_id = @board AND id ${lower} @lo AND id < @hi ORDER BY id ${order} LIMIT +@limit`,
    );
  const ranges = {
    after: { asc: rangeQuery('>', 'ASC'), desc: rangeQuery('>', 'DESC') },
    since: { asc: rangeQuery('>=', 'ASC'), desc: rangeQuery('>=', 'DESC') },
  };
  const markDeleted = db.prepare<[string, string]>(
    "UPDATE board_messages SET deleted = 1, text = '', topic = NULL WHERE board_id = ? AND id = ? AND deleted = 0",
  );
  const selectOld = db
    .prepare<[string, string, number], string>(
      'SELECT id FROM board_messages WHERE board_id = ? AND id < ? ORDER BY id LIMIT +?',
    )
    .pluck();
  const remove = db.prepare<[string, string]>('DELETE FROM board_messages WHERE board_id = ? AND id = ?');

  const create = db.transaction((m: MessageDraft): MessageRecord => {
    const record = { ...m, id: idAfter(selectNewest.get(m.boardId) ?? undefined, m.createdAt) };
    insert.run(record.boardId, record.id, record.author, record.topic, record.text, record.createdAt);
    return record;
  });

  const softDelete = db.transaction((boardId: string, id: string, audit: AuditRecord | undefined): SoftDeleted => {
    const changed = markDeleted.run(boardId, id).changes === 1;
    const row = select.get(boardId, id);
    if (!row) return null;
    if (changed) insertAudit(db, audit);
    return { message: toRecord(row), changed };
  });

  const deleteMany = db.transaction((boardId: string, ids: readonly string[]): number => {
    let removed = 0;
    for (const id of ids) removed += remove.run(boardId, id).changes;
    return removed;
  });

  return {
    async create(m) {
      return create.immediate(m);
    },
    async get(boardId, id) {
      const row = select.get(boardId, id);
      return row ? toRecord(row) : null;
    },
    async page(boardId, range) {
      const { after, since = BOTTOM } = range;
      const useAfter = after !== undefined && after >= since;
      const params = { board: boardId, lo: useAfter ? after : since, hi: range.before ?? TOP, limit: range.limit };
      return ranges[useAfter ? 'after' : 'since'][range.order].all(params).map(toRecord);
    },
    async softDelete(boardId, id, options) {
      return softDelete.immediate(boardId, id, options?.audit);
    },
    async idsBefore(boardId, before, limit) {
      return selectOld.all(boardId, before, limit);
    },
    async deleteMany(boardId, ids) {
      return ids.length === 0 ? 0 : deleteMany.immediate(boardId, ids);
    },
  };
}

function toRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    boardId: row.board_id,
    author: row.author,
    topic: row.topic,
    text: row.text,
    createdAt: row.created_at,
    deleted: row.deleted === 1,
  };
}
