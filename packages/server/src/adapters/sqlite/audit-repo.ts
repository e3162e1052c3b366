import type { Statement } from 'better-sqlite3';
import { AuditAction } from '@tweeter/shared';
import type { AuditRecord, AuditRepo } from '../../ports/store.js';
import type { Db } from './database.js';

interface AuditRow {
  scope: string;
  id: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  created_at: number;
}

const insertStatements = new WeakMap<Db, Statement>();

/** Writes an audit entry; synchronous, so other repos call it inside the transaction of the change it records. */
export function insertAudit(db: Db, entry: AuditRecord | undefined): void {
  if (!entry) return;
  let stmt = insertStatements.get(db);
  if (!stmt) {
    stmt = db.prepare(
      'INSERT INTO audit_log (scope, id, actor, action, target, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    insertStatements.set(db, stmt);
  }
  const { scope, id, actor, action, target, detail, createdAt } = entry;
  stmt.run(scope, id, actor, action, target, JSON.stringify(detail), createdAt);
}

/** The audit log over SQLite: entries keyed (scope, id), read newest first. */
export function createAuditRepo(db: Db): AuditRepo {
  const selectPage = db.prepare<[string, string, number], AuditRow>(
    'SELECT * FROM audit_log WHERE scope = ? AND id < ? ORDER BY id DESC LIMIT +?',
  );
  return {
    async list(scope, range) {
      // '~' sorts after every id character, so no `before` means "from the newest".
      return selectPage.all(scope, range.before ?? '~', range.limit).map(toRecord);
    },
  };
}

function toRecord(row: AuditRow): AuditRecord {
  const detail: unknown = JSON.parse(row.detail);
  return {
    scope: row.scope,
    id: row.id,
    actor: row.actor,
    action: AuditAction.parse(row.action),
    target: row.target,
    // Written by insertAudit from typed records, so the shape is trusted.
    detail: detail as AuditRecord['detail'],
    createdAt: row.created_at,
  };
}
