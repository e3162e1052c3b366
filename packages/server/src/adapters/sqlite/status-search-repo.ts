import { decodeTime } from 'ulid';
import { hourOf, type IndexedStatus, type SearchHit, type StatusSearchRepo } from '../../ports/status-search.js';
import type { Db } from './database.js';
import { prepareSearchIndexWrites } from './search-index-writes.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LOW_BITS = 20;

/**
 * The FTS rowid of a status id: its time in ms above the low 20 bits of its random part, so rowid order is id order
 * (ids of one process in one millisecond count up). Two ids that collide (same ms, same low bits: another process)
 * take the next free rowid.
 */
export function searchRowid(statusId: string): bigint {
  let low = 0;
  for (const ch of statusId.slice(-4)) low = low * 32 + Math.max(0, CROCKFORD.indexOf(ch));
  return (BigInt(decodeTime(statusId)) << BigInt(LOW_BITS)) | BigInt(low);
}

// Every term quoted: FTS5 then reads each as one token, never as an operator (NEAR, AND, *, ^, column filters).
const matchExpression = (terms: readonly string[]): string =>
  terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' ');

/** Status search over SQLite: FTS5 in the same file, written in one transaction with the trend counters. */
export function createSqliteStatusSearchRepo(db: Db): StatusSearchRepo {
  const docOf = db
    .prepare<[string], { rowid: bigint }>('SELECT rowid FROM search_docs WHERE status_id = ?')
    .safeIntegers();
  const { rowidTaken, insertDoc, insertFts, countStatus, addAccount, lastUse, setLastUse } =
    prepareSearchIndexWrites(db);
  const deleteDoc = db.prepare<[bigint]>('DELETE FROM search_docs WHERE rowid = ?');
  const deleteFts = db.prepare<[bigint]>('DELETE FROM status_fts WHERE rowid = ?');
  // CROSS JOIN keeps the FTS5 scan outer, newest first, so LIMIT stops it early.
  const match = db
    .prepare<[string, bigint, number], { key: bigint; statusId: string; author: string }>(
      `SELECT f.rowid AS key, d.status_id AS statusId, d.author FROM status_fts AS f
         CROSS JOIN search_docs AS d ON d.rowid = f.rowid
        WHERE status_fts MATCH ? AND f.rowid < ? ORDER BY f.rowid DESC LIMIT +?`,
    )
    .safeIntegers();
  const trends = db.prepare<[number, number, number], { tag: string; statuses: number; accounts: number }>(
    `SELECT tag, SUM(statuses) AS statuses, SUM(accounts) AS accounts FROM tag_hours WHERE hour BETWEEN ? AND ?
      GROUP BY tag HAVING SUM(accounts) > 0 ORDER BY accounts DESC, statuses DESC, tag LIMIT +?`,
  );
  const pruneHours = db.prepare<[number, number]>(
    'DELETE FROM tag_hours WHERE (hour, tag) IN (SELECT hour, tag FROM tag_hours WHERE hour < ? LIMIT +?)',
  );
  const pruneAuthors = db.prepare<[number, number]>(
    `DELETE FROM tag_authors WHERE (tag, author) IN
       (SELECT tag, author FROM tag_authors WHERE last_hour < ? LIMIT +?)`,
  );
  const docCount = db.prepare<[], number>('SELECT count(*) FROM search_docs').pluck();
  // dbstat is compiled into better-sqlite3's SQLite; where it is not, the size in bytes is unknown.
  const ftsBytes = (() => {
    try {
      return db
        .prepare<[], number>(
          `SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'status_fts%' OR name = 'search_docs'
              OR name LIKE 'sqlite_autoindex_search_docs%'`,
        )
        .pluck();
    } catch {
      return null;
    }
  })();

  const statusExists = db.prepare<[string], number>('SELECT 1 FROM statuses WHERE id = ?').pluck();

  const write = (s: IndexedStatus): void => {
    if (docOf.get(s.statusId) !== undefined) return; // indexed (and counted) already
    let rowid = searchRowid(s.statusId);
    while (rowidTaken.get(rowid) !== undefined) rowid += 1n;
    insertDoc.run(rowid, s.statusId, s.author);
    insertFts.run(rowid, s.terms.join(' '));
    if (s.countTrends === false) return;
    const hour = hourOf(s.createdAt);
    for (const tag of s.tags) {
      countStatus.run(hour, tag);
      const last = lastUse.get(tag, s.author);
      if (last !== undefined && last >= hour) continue; // counted in this hour or a later one
      // The account moves to the bucket of its latest use: each account counts once in any window that holds it.
      setLastUse.run(tag, s.author, hour);
      addAccount.run(hour, tag, 1);
      if (last !== undefined) addAccount.run(last, tag, -1);
    }
  };
  const index = db.transaction(write);
  // Checked in the write's transaction: a delete committed before it leaves nothing indexed (its own job removes
  // what a write after it left), so the job need not read the status again.
  const indexMany = db.transaction((list: readonly IndexedStatus[]): void => {
    for (const s of list) if (statusExists.get(s.statusId) !== undefined) write(s);
  });
  const remove = db.transaction((statusId: string): void => {
    const doc = docOf.get(statusId);
    if (doc === undefined) return;
    deleteFts.run(doc.rowid);
    deleteDoc.run(doc.rowid);
  });

  return {
    async index(status) {
      index.immediate(status);
    },
    async indexMany(statuses) {
      if (statuses.length > 0) indexMany.immediate(statuses);
      return { checked: true };
    },
    async remove(statusId) {
      remove.immediate(statusId);
    },
    async search(terms, range) {
      if (terms.length === 0) return { hits: [], next: null };
      // A key this adapter did not make reads nothing (keys are opaque; only a forged cursor carries one).
      if (range.after !== undefined && !/^\d{1,19}$/.test(range.after)) return { hits: [], next: null };
      const before = range.after === undefined ? 2n ** 63n - 1n : BigInt(range.after);
      const take = Math.min(range.limit, range.scan);
      const rows = match.all(matchExpression(terms), before, take + 1);
      const hits: SearchHit[] = rows
        .slice(0, take)
        .map((r) => ({ statusId: r.statusId, author: r.author, key: r.key.toString() }));
      return { hits, next: rows.length > take ? (hits.at(-1)?.key ?? null) : null };
    },
    async trends(hours, limit) {
      return trends
        .all(hours.from, hours.to, limit)
        .map((r) => ({ tag: r.tag, statuses: r.statuses, accounts: r.accounts }));
    },
    async pruneTrends(beforeHour, limit) {
      return pruneHours.run(beforeHour, limit).changes + pruneAuthors.run(beforeHour, limit).changes;
    },
    async size() {
      return { statuses: docCount.get() ?? 0, bytes: ftsBytes?.get() ?? null };
    },
  };
}
