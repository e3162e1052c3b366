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

/**
 * Migration 13's data step: every comment not deleted becomes a status replying to its status (same id, its text as
 * the post, no delivery: comments never reached feeds). Its comments row stays as the reply's place in the thread.
 * A deleted comment gets no status: its row already reads as a deleted reply. Idempotent (existing ids are skipped).
 */
export function migrateCommentsToReplies(db: Db): void {
  const rows = db
    .prepare<[], CommentToMigrate>(
      `SELECT c.id, c.author, c.text, c.created_at, c.status_id AS parent, s.author AS parent_author
       FROM comments c JOIN statuses s ON s.id = c.status_id
       WHERE c.deleted = 0 AND NOT EXISTS (SELECT 1 FROM statuses r WHERE r.id = c.id)`,
    )
    .iterate();
  const insert = db.prepare<[string, string, string, string, number, string]>(
    `INSERT INTO statuses (id, author, post, segments, created_at, pulled, media, refs)
     VALUES (?, ?, ?, ?, ?, 0, NULL, ?)`,
  );
  // Collected first: better-sqlite3 does not allow writes while a statement is still iterating.
  const all = [...rows];
  for (const c of all) {
    const refs = JSON.stringify({ inReplyToId: c.parent, inReplyToAuthor: c.parent_author });
    insert.run(c.id, c.author, c.text, JSON.stringify(parseSegments(c.text)), c.created_at, refs);
  }
}
