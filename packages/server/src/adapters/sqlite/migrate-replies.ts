import { parseSegments } from '@tweeter/shared';
import type { Db } from './database.js';

interface CommentToMigrate {
  id: string;
  author: string;
  text: string;
  created_at: number;
  parent: string;
  parent_author: string;
}

/** Comments read a page at a time, so the step's memory is bounded however many comments the file holds. */
const PAGE = 1000;

/**
 * Migration 13's data step: every comment not deleted becomes a status replying to its status (same id, its text as
 * the post, no delivery: comments never reached feeds). Its comments row stays as the reply's place in the thread.
 * A deleted comment gets no status: its row already reads as a deleted reply. Idempotent (existing ids are skipped).
 *
 * It stays inside the migration's one transaction: the schema change and the data are one version, and a crash
 * part-way through must leave the file at version 12 with nothing converted (the runner re-applies a version whole;
 * committing batches would need a resumable data step, which the runner does not have). The transaction runs at
 * start-up, before the server takes requests, and WAL readers are never blocked by it. The rows are read in pages
 * of PAGE by id, so memory stays bounded (the result is the same as reading them all at once).
 */
export function migrateCommentsToReplies(db: Db): void {
  const page = db.prepare<[string, number], CommentToMigrate>(
    `SELECT c.id, c.author, c.text, c.created_at, c.status_id AS parent, s.author AS parent_author
     FROM comments c JOIN statuses s ON s.id = c.status_id
     WHERE c.id > ? AND c.deleted = 0 AND NOT EXISTS (SELECT 1 FROM statuses r WHERE r.id = c.id)
     ORDER BY c.id LIMIT +?`,
  );
  const insert = db.prepare<[string, string, string, string, number, string]>(
    `INSERT INTO statuses (id, author, post, segments, created_at, pulled, media, refs)
     VALUES (?, ?, ?, ?, ?, 0, NULL, ?)`,
  );
  for (let after = ''; ;) {
    // Read whole before writing: better-sqlite3 does not allow writes while a statement is still iterating.
    const rows = page.all(after, PAGE);
    for (const c of rows) {
      const refs = JSON.stringify({ inReplyToId: c.parent, inReplyToAuthor: c.parent_author });
      insert.run(c.id, c.author, c.text, JSON.stringify(parseSegments(c.text)), c.created_at, refs);
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = last.id;
  }
}
