import { BoardRole } from '@tweeter/shared';
import type { AuditRecord, MemberRecord, MemberRepo } from '../../ports/store.js';
import type { JobRequest } from '../../ports/job-queue.js';
import { insertAudit } from './audit-repo.js';
import { insertJobs } from './jobs-table.js';
import type { SqliteStoreOptions } from './store.js';
import type { Db } from './database.js';

interface MemberRow {
  board_id: string;
  alias: string;
  role: string;
  joined_at: number;
}

type PutResult = { previous: BoardRole | null; changed: boolean };

// Upper bound for "no before": '~' sorts after every character an id uses.
const TOP = '~';

/** Board memberships over SQLite, keyed (board, alias) with an (alias, board) index; memberCount kept exact. */
export function createMembersRepo(db: Db, { clock, signal }: SqliteStoreOptions): MemberRepo {
  const select = db.prepare<[string, string], MemberRow>(
    'SELECT * FROM board_members WHERE board_id = ? AND alias = ?',
  );
  const selectRoles = db.prepare<[string, string], MemberRow>(
    'SELECT * FROM board_members WHERE alias = ? AND board_id IN (SELECT value FROM json_each(?))',
  );
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT INTO board_members (board_id, alias, role, joined_at) VALUES (?, ?, ?, ?)',
  );
  const setRole = db.prepare<[string, string, string]>(
    "UPDATE board_members SET role = ? WHERE board_id = ? AND alias = ? AND role != 'owner'",
  );
  const remove = db.prepare<[string, string]>(
    "DELETE FROM board_members WHERE board_id = ? AND alias = ? AND role != 'owner'",
  );
  const addCount = db.prepare<[number, string]>('UPDATE boards SET member_count = member_count + ? WHERE id = ?');
  const selectList = db.prepare<[string, string, number], MemberRow>(
    'SELECT * FROM board_members WHERE board_id = ? AND alias > ? ORDER BY alias LIMIT +?',
  );
  const selectBoardsOf = db
    .prepare<[string, string, number], string>(
      'SELECT board_id FROM board_members WHERE alias = ? AND board_id < ? ORDER BY board_id DESC LIMIT +?',
    )
    .pluck();

  const put = db.transaction(
    (m: MemberRecord, audit: AuditRecord | undefined, jobs: readonly JobRequest[]): PutResult => {
      const row = select.get(m.boardId, m.alias);
      if (!row) {
        if (addCount.run(1, m.boardId).changes === 0) return { previous: null, changed: false }; // no such board
        insert.run(m.boardId, m.alias, m.role, m.joinedAt);
        insertAudit(db, audit);
        insertJobs(db, jobs, clock.now());
        return { previous: null, changed: true };
      }
      const previous = BoardRole.parse(row.role);
      if (previous === m.role || setRole.run(m.role, m.boardId, m.alias).changes === 0) {
        return { previous, changed: false };
      }
      insertAudit(db, audit);
      return { previous, changed: true };
    },
  );

  const recount = db
    .prepare<[string, string], number>(
      `UPDATE boards SET member_count = (SELECT count(*) FROM board_members WHERE board_id = ?)
       WHERE id = ? RETURNING member_count`,
    )
    .pluck();

  const removeMember = db.transaction((boardId: string, alias: string, audit: AuditRecord | undefined): boolean => {
    if (remove.run(boardId, alias).changes === 0) return false;
    addCount.run(-1, boardId);
    insertAudit(db, audit);
    return true;
  });

  return {
    async get(boardId, alias) {
      const row = select.get(boardId, alias);
      return row ? toRecord(row) : null;
    },
    async rolesOf(alias, boardIds) {
      const roles = new Map<string, BoardRole>();
      if (boardIds.length === 0) return roles;
      for (const row of selectRoles.all(alias, JSON.stringify(boardIds))) roles.set(row.board_id, toRecord(row).role);
      return roles;
    },
    async put(member, options) {
      const jobs = options?.outboxIfAdded ?? [];
      const result = put.immediate(member, options?.audit, jobs);
      if (result.changed && result.previous === null && jobs.length > 0) signal.notify();
      return result;
    },
    async remove(boardId, alias, options) {
      return removeMember.immediate(boardId, alias, options?.audit);
    },
    async list(boardId, range) {
      return selectList.all(boardId, range.after ?? '', range.limit).map(toRecord);
    },
    async boardsOf(alias, range) {
      return selectBoardsOf.all(alias, range.before ?? TOP, range.limit);
    },
    async recount(boardId) {
      return recount.get(boardId, boardId) ?? null;
    },
  };
}

function toRecord(row: MemberRow): MemberRecord {
  return { boardId: row.board_id, alias: row.alias, role: BoardRole.parse(row.role), joinedAt: row.joined_at };
}
