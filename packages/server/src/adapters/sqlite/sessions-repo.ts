import type { SessionRecord, SessionRepo } from '../../ports/store.js';
import type { Db } from './database.js';

interface SessionRow {
  token_hash: string;
  alias: string;
  created_at: number;
  expires_at: number;
}

/** The sessions repository over SQLite. */
export function createSessionsRepo(db: Db): SessionRepo {
  const insert = db.prepare<[string, string, number, number]>(
    'INSERT INTO sessions (token_hash, alias, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const select = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?');
  // A token check's one read: the session and whether its account still exists (and since when).
  const selectWithOwner = db.prepare<[string], SessionRow & { owner_created_at: number | null }>(
    `SELECT s.*, u.created_at AS owner_created_at FROM sessions s LEFT JOIN users u ON u.alias = s.alias
     WHERE s.token_hash = ?`,
  );
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
  const removeOfUser = db
    .prepare<[string, string], string>('DELETE FROM sessions WHERE alias = ? AND token_hash != ? RETURNING token_hash')
    .pluck();
  // Bounded, oldest first, so a sweep never holds the write lock for long.
  const removeExpired = db.prepare<[number, number]>(
    `DELETE FROM sessions WHERE token_hash IN (
       SELECT token_hash FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT +?)`,
  );

  return {
    async create(session) {
      insert.run(session.tokenHash, session.alias, session.createdAt, session.expiresAt);
    },
    async get(tokenHash) {
      const row = select.get(tokenHash);
      return row ? toRecord(row) : null;
    },
    async getWithOwner(tokenHash) {
      const row = selectWithOwner.get(tokenHash);
      return row ? { session: toRecord(row), ownerCreatedAt: row.owner_created_at } : null;
    },
    async delete(tokenHash) {
      remove.run(tokenHash);
    },
    async deleteOfUser(alias, options) {
      return removeOfUser.all(alias, options?.except ?? '');
    },
    async deleteExpired(now, limit) {
      return removeExpired.run(now, limit).changes;
    },
  };
}

function toRecord(row: SessionRow): SessionRecord {
  return { tokenHash: row.token_hash, alias: row.alias, createdAt: row.created_at, expiresAt: row.expires_at };
}
