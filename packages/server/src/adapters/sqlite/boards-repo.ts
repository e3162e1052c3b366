import { BoardVisibility } from '@tweeter/shared';
import type { AuditRecord, BoardChanges, BoardRecord, BoardRepo } from '../../ports/store.js';
import { insertAudit } from './audit-repo.js';
import type { Db } from './database.js';

interface BoardRow {
  id: string;
  name: string;
  description: string;
  visibility: string;
  owner: string;
  member_count: number;
  retention_days: number | null;
  created_at: number;
}

interface UpdateParams {
  id: string;
  name: string | null;
  description: string | null;
  setRetention: 0 | 1;
  retentionDays: number | null;
}

// Upper bound for "no before": '~' sorts after every character an id uses.
const TOP = '~';

/** The boards repository over SQLite; a new board and its owner's membership are written together. */
export function createBoardsRepo(db: Db): BoardRepo {
  const insert = db.prepare<BoardRow>(
    `INSERT INTO boards (id, name, description, visibility, owner, member_count, retention_days, created_at)
     VALUES (@id, @name, @description, @visibility, @owner, 1, @retention_days, @created_at)`,
  );
  const insertOwner = db.prepare<[string, string, number]>(
    "INSERT INTO board_members (board_id, alias, role, joined_at) VALUES (?, ?, 'owner', ?)",
  );
  const select = db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?');
  const selectMany = db.prepare<[string], BoardRow>(
    'SELECT * FROM boards WHERE id IN (SELECT value FROM json_each(?))',
  );
  const update = db.prepare<UpdateParams>(
    `UPDATE boards SET
       name = coalesce(@name, name),
       description = coalesce(@description, description),
       retention_days = CASE WHEN @setRetention = 1 THEN @retentionDays ELSE retention_days END
     WHERE id = @id`,
  );
  const selectPublic = db.prepare<[string, number], BoardRow>(
    "SELECT * FROM boards WHERE visibility = 'public' AND id < ? ORDER BY id DESC LIMIT +?",
  );
  const selectRetained = db.prepare<[string, number], BoardRow>(
    'SELECT * FROM boards WHERE retention_days IS NOT NULL AND id > ? ORDER BY id LIMIT +?',
  );

  const create = db.transaction((board: BoardRecord): void => {
    insert.run(toRow(board));
    insertOwner.run(board.id, board.owner, board.createdAt);
  });

  const change = db.transaction(
    (id: string, changes: BoardChanges, audit: AuditRecord | undefined): BoardRecord | null => {
      const before = select.get(id);
      if (!before) return null;
      update.run({
        id,
        name: changes.name ?? null,
        description: changes.description ?? null,
        setRetention: changes.retentionDays === undefined ? 0 : 1,
        retentionDays: changes.retentionDays ?? null,
      });
      if (changed(before, changes)) insertAudit(db, audit);
      return toRecord(before);
    },
  );

  return {
    async create(board) {
      create.immediate(board);
    },
    async get(id) {
      const row = select.get(id);
      return row ? toRecord(row) : null;
    },
    async getMany(ids) {
      const boards = new Map<string, BoardRecord>();
      if (ids.length === 0) return boards;
      for (const row of selectMany.all(JSON.stringify(ids))) boards.set(row.id, toRecord(row));
      return boards;
    },
    async update(id, changes, options) {
      return change.immediate(id, changes, options?.audit);
    },
    async publicBoards(range) {
      return selectPublic.all(range.before ?? TOP, range.limit).map(toRecord);
    },
    async withRetention(range) {
      return selectRetained.all(range.after ?? '', range.limit).map(toRecord);
    },
  };
}

function changed(before: BoardRow, changes: BoardChanges): boolean {
  return (
    (changes.name !== undefined && changes.name !== before.name) ||
    (changes.description !== undefined && changes.description !== before.description) ||
    (changes.retentionDays !== undefined && changes.retentionDays !== before.retention_days)
  );
}

function toRow(board: BoardRecord): BoardRow {
  return {
    id: board.id,
    name: board.name,
    description: board.description,
    visibility: board.visibility,
    owner: board.owner,
    member_count: board.memberCount,
    retention_days: board.retentionDays,
    created_at: board.createdAt,
  };
}

function toRecord(row: BoardRow): BoardRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    visibility: BoardVisibility.parse(row.visibility),
    owner: row.owner,
    memberCount: row.member_count,
    retentionDays: row.retention_days,
    createdAt: row.created_at,
  };
}
