import type { JobRequest } from '../../ports/job-queue.js';
import type { ReindexKind, ReindexState, SearchReindexRepo } from '../../ports/search-reindex.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';
import { toRecord as statusRecord, type StatusRow } from './statuses-repo.js';
import type { SqliteStoreOptions } from './store.js';
import { toRecord as userRecord, type UserRow } from './users-repo.js';

interface StateRow {
  run: string;
  cursor: string | null;
  done: number;
  read: number;
  started_at: number;
}

type Move = Parameters<SearchReindexRepo['advance']>[1];

/** The search reindex over SQLite: key-ordered reads, and a state row (migration 18) moved with the next job. */
export function createSqliteSearchReindexRepo(db: Db, { clock, signal }: SqliteStoreOptions): SearchReindexRepo {
  const statuses = db.prepare<[string, number], StatusRow>('SELECT * FROM statuses WHERE id > ? ORDER BY id LIMIT +?');
  const users = db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE alias > ? ORDER BY alias LIMIT +?');
  const setSegments = db.prepare<[string, string]>('UPDATE statuses SET segments = ? WHERE id = ?');
  const state = db.prepare<[string], StateRow>(
    'SELECT run, cursor, done, read, started_at FROM search_reindex WHERE kind = ?',
  );
  const start = db.prepare<[string, string, number]>(
    `INSERT INTO search_reindex (kind, run, cursor, done, read, started_at) VALUES (?, ?, NULL, 0, 0, ?)
       ON CONFLICT (kind) DO UPDATE SET run = excluded.run, cursor = NULL, done = 0, read = 0,
         started_at = excluded.started_at`,
  );
  const advance = db.prepare<[string | null, number, number, string, string, string | null]>(
    `UPDATE search_reindex SET cursor = ?, done = ?, read = read + ?
      WHERE kind = ? AND run = ? AND done = 0 AND cursor IS ?`,
  );

  // The state and the next step's job commit together: a crash leaves either both or neither.
  const startTx = db.transaction((kind: ReindexKind, run: string, at: number, first: JobRequest | null) => {
    start.run(kind, run, at);
    if (first) insertJobs(db, [first], clock.now());
  });
  const advanceTx = db.transaction((kind: ReindexKind, m: Move, next: JobRequest | null): boolean => {
    const moved = advance.run(m.to, m.to === null ? 1 : 0, m.read, kind, m.run, m.from).changes === 1;
    if (moved && next) insertJobs(db, [next], clock.now());
    return moved;
  });

  return {
    async statuses(after, limit) {
      const rows = statuses.all(after ?? '', limit);
      return {
        items: rows.map(statusRecord),
        read: rows.length,
        next: rows.length < limit ? null : (rows.at(-1)?.id ?? null),
      };
    },
    async users(after, limit) {
      const rows = users.all(after ?? '', limit);
      return {
        items: rows.map(userRecord),
        read: rows.length,
        next: rows.length < limit ? null : (rows.at(-1)?.alias ?? null),
      };
    },
    async setSegments(statusId, segments) {
      return setSegments.run(JSON.stringify(segments), statusId).changes === 1;
    },
    async state(kind) {
      const row = state.get(kind);
      if (!row) return null;
      const s: ReindexState = {
        run: row.run,
        cursor: row.cursor,
        done: row.done === 1,
        read: row.read,
        startedAt: row.started_at,
      };
      return s;
    },
    async start(kind, run, at, first) {
      startTx.immediate(kind, run, at, first);
      if (first) signal.notify();
    },
    async advance(kind, move, next) {
      const moved = advanceTx.immediate(kind, move, next);
      if (moved && next) signal.notify();
      return moved;
    },
  };
}
