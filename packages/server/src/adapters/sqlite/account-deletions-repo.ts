import { type AccountDeletionRepo, type DeletionRecord } from '../../ports/account-deletions.js';
import type { KeyPage } from '../../ports/store.js';
import type { JobRequest } from '../../ports/job-queue.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';

interface DeletionRow {
  alias: string;
  image_key: string | null;
  deleted_at: number;
  reserved_until: number;
  step: string;
  cursor: string | null;
  seq: number;
}

/** Deleted accounts over SQLite: the user row goes and the tombstone comes in one transaction, with the first job. */
export function createAccountDeletionsRepo(db: Db, { clock, signal }: SqliteStoreOptions): AccountDeletionRepo {
  const deleteUser = db.prepare<[string]>('DELETE FROM users WHERE alias = ?');
  const insert = db.prepare<DeletionRow>(
    `INSERT OR IGNORE INTO deleted_accounts (alias, image_key, deleted_at, reserved_until, step, cursor, seq)
     VALUES (@alias, @image_key, @deleted_at, @reserved_until, @step, @cursor, @seq)`,
  );
  const select = db.prepare<[string], DeletionRow>('SELECT * FROM deleted_accounts WHERE alias = ?');
  const update = db.prepare<[string, string | null, number, string, number]>(
    'UPDATE deleted_accounts SET step = ?, cursor = ?, seq = ? WHERE alias = ? AND seq = ?',
  );
  const selectExpired = db
    .prepare<[number, number], string>(
      "SELECT alias FROM deleted_accounts WHERE step = 'done' AND reserved_until <= ? ORDER BY reserved_until LIMIT +?",
    )
    .pluck();
  const remove = db.prepare<[string, number]>(
    "DELETE FROM deleted_accounts WHERE alias = ? AND step = 'done' AND reserved_until <= ?",
  );
  const setOwner = db.prepare<[string, string]>('UPDATE boards SET owner = ? WHERE id = ?');
  const setOwnerRole = db.prepare<[string, string]>(
    "UPDATE board_members SET role = 'owner' WHERE board_id = ? AND alias = ?",
  );
  const removeMember = db.prepare<[string, string]>('DELETE FROM board_members WHERE board_id = ? AND alias = ?');
  const removeMembers = db.prepare<[string]>('DELETE FROM board_members WHERE board_id = ?');
  const removeBoard = db.prepare<[string]>('DELETE FROM boards WHERE id = ?');
  const uncount = db.prepare<[string]>('UPDATE boards SET member_count = member_count - 1 WHERE id = ?');

  // Row values keep the read on the by-author index (migration 8), resuming after the cursor's key.
  const selectMessages = db.prepare<
    { alias: string; board: string; id: string; limit: number },
    { board_id: string; id: string }
  >(
    `SELECT board_id, id FROM board_messages WHERE author = @alias AND (board_id, id) > (@board, @id)
     ORDER BY board_id, id LIMIT +@limit`,
  );
  const eraseComment = db.prepare<[string]>('DELETE FROM comments WHERE id = ?');

  const begin = db.transaction((record: DeletionRecord, jobs: readonly JobRequest[]): boolean => {
    if (deleteUser.run(record.alias).changes === 0) return false;
    if (insert.run(toRow(record)).changes === 0) throw new Error(`@${record.alias} has a tombstone and a user row`);
    insertJobs(db, jobs, clock.now());
    return true;
  });
  const advance = db.transaction(
    (
      alias: string,
      from: number,
      to: { step: string; cursor: string | null; seq: number },
      jobs: readonly JobRequest[],
    ) => {
      if (update.run(to.step, to.cursor, to.seq, alias, from).changes === 0) return false;
      insertJobs(db, jobs, clock.now());
      return true;
    },
  );
  const transfer = db.transaction((boardId: string, from: string, to: string): void => {
    setOwner.run(to, boardId);
    setOwnerRole.run(boardId, to);
    if (removeMember.run(boardId, from).changes > 0) uncount.run(boardId);
  });
  const deleteBoard = db.transaction((boardId: string): void => {
    removeMembers.run(boardId);
    removeBoard.run(boardId);
  });

  return {
    async begin(record, outbox) {
      const done = begin.immediate(record, outbox);
      if (done && outbox.length > 0) signal.notify();
      return done;
    },
    async get(alias) {
      const row = select.get(alias);
      return row ? toRecord(row) : null;
    },
    async advance(alias, from, to, outbox) {
      const done = advance.immediate(alias, from.seq, to, outbox);
      if (done && outbox.length > 0) signal.notify();
      return done;
    },
    async expired(now, limit) {
      return selectExpired.all(now, limit);
    },
    async release(alias, now) {
      return remove.run(alias, now).changes === 1;
    },
    async transferBoard(boardId, from, to) {
      transfer.immediate(boardId, from, to);
    },
    async deleteBoard(boardId) {
      deleteBoard.immediate(boardId);
    },
    async messagesBy(alias, range) {
      const [board, id] = range.after ? splitLast(range.after, '#') : ['', ''];
      const rows = selectMessages.all({ alias, board, id, limit: range.limit });
      const items = rows.map((r) => ({ boardId: r.board_id, id: r.id }));
      const last = rows.at(-1);
      return page(items, rows.length === range.limit && last ? `${last.board_id}#${last.id}` : null);
    },
    async eraseComment(_statusId, id) {
      eraseComment.run(id);
    },
  };
}

function toRow(record: DeletionRecord): DeletionRow {
  return {
    alias: record.alias,
    image_key: record.imageKey,
    deleted_at: record.deletedAt,
    reserved_until: record.reservedUntil,
    step: record.step,
    cursor: record.cursor,
    seq: record.seq,
  };
}

function toRecord(row: DeletionRow): DeletionRecord {
  return {
    alias: row.alias,
    imageKey: row.image_key,
    deletedAt: row.deleted_at,
    reservedUntil: row.reserved_until,
    step: row.step,
    cursor: row.cursor,
    seq: row.seq,
  };
}

function splitLast(value: string, separator: string): [string, string] {
  const at = value.lastIndexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

function page<T>(items: T[], next: string | null): KeyPage<T> {
  return { items, next };
}
