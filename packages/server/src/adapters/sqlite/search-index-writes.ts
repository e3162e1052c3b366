import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Prepared statements writing the search index (see prepareSearchIndexWrites). */
export interface SearchIndexWrites {
  rowidTaken: Statement<[bigint], number>;
  insertDoc: Statement<[bigint, string, string]>;
  insertFts: Statement<[bigint, string]>;
  countStatus: Statement<[number, string]>;
  addAccount: Statement<[number, string, number]>;
  lastUse: Statement<[string, string], number>;
  setLastUse: Statement<[string, string, number]>;
}

/**
 * The statements that write a status into the search index and its hourly tag counters: one place for the status
 * search repository and the population tool's bulk path, so both write the same rows.
 */
export function prepareSearchIndexWrites(db: Db): SearchIndexWrites {
  return {
    rowidTaken: db.prepare<[bigint], number>('SELECT 1 FROM search_docs WHERE rowid = ?').pluck(),
    insertDoc: db.prepare<[bigint, string, string]>(
      'INSERT INTO search_docs (rowid, status_id, author) VALUES (?, ?, ?)',
    ),
    insertFts: db.prepare<[bigint, string]>('INSERT INTO status_fts (rowid, terms) VALUES (?, ?)'),
    countStatus: db.prepare<[number, string]>(
      `INSERT INTO tag_hours (hour, tag, statuses) VALUES (?, ?, 1)
         ON CONFLICT (hour, tag) DO UPDATE SET statuses = statuses + 1`,
    ),
    addAccount: db.prepare<[number, string, number]>(
      `INSERT INTO tag_hours (hour, tag, accounts) VALUES (?, ?, ?)
         ON CONFLICT (hour, tag) DO UPDATE SET accounts = accounts + excluded.accounts`,
    ),
    lastUse: db
      .prepare<[string, string], number>('SELECT last_hour FROM tag_authors WHERE tag = ? AND author = ?')
      .pluck(),
    setLastUse: db.prepare<[string, string, number]>(
      `INSERT INTO tag_authors (tag, author, last_hour) VALUES (?, ?, ?)
         ON CONFLICT (tag, author) DO UPDATE SET last_hour = excluded.last_hour`,
    ),
  };
}
