import type { QuoteEdge, QuoteRepo } from '../../ports/store.js';
import type { Db } from './database.js';

interface QuoteRow {
  quoted_id: string;
  id: string;
  author: string;
}

const bumpSql = `INSERT INTO quote_counts (status_id, count) VALUES (?, ?)
  ON CONFLICT (status_id) DO UPDATE SET count = count + excluded.count`;

/**
 * Writes a quote's edge and counts it; an edge already written is left as it is (counted once). Runs inside the
 * caller's transaction: the quoting status's own (StatusRepo.create) or the edge's.
 */
export function quotePlacer(db: Db): (e: QuoteEdge) => void {
  const insert = db.prepare<[string, string, string]>(
    'INSERT INTO quotes (quoted_id, id, author) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const bump = db.prepare<[string, number]>(bumpSql);
  return (e) => {
    if (insert.run(e.quotedId, e.id, e.author).changes === 1) bump.run(e.quotedId, 1);
  };
}

/** Quotes over SQLite: an edge per quoting status, keyed (quoted, id), and each quoted status's exact count. */
export function createQuotesRepo(db: Db): QuoteRepo {
  const remove = db.prepare<[string, string]>('DELETE FROM quotes WHERE quoted_id = ? AND id = ?');
  const bump = db.prepare<[string, number]>(bumpSql);
  const selectList = db.prepare<[string, string, number], QuoteRow>(
    'SELECT * FROM quotes WHERE quoted_id = ? AND id < ? ORDER BY id DESC LIMIT +?',
  );
  const selectCounts = db
    .prepare<[string], [string, number]>(
      'SELECT c.status_id, c.count FROM json_each(?) j JOIN quote_counts c ON c.status_id = j.value',
    )
    .raw();
  const setCount = db
    .prepare<{ status: string }, number>(
      `INSERT INTO quote_counts (status_id, count)
       VALUES (@status, (SELECT count(*) FROM quotes WHERE quoted_id = @status))
       ON CONFLICT (status_id) DO UPDATE SET count = excluded.count RETURNING count`,
    )
    .pluck();

  const add = db.transaction(quotePlacer(db));
  const drop = db.transaction((quotedId: string, id: string): boolean => {
    if (remove.run(quotedId, id).changes === 0) return false;
    bump.run(quotedId, -1);
    return true;
  });

  return {
    async add(edge) {
      add.immediate(edge);
    },
    async remove(quotedId, id) {
      return drop.immediate(quotedId, id);
    },
    async list(quotedId, range) {
      // Ids are Crockford base32: U+10FFFF sorts after every one of them.
      return selectList
        .all(quotedId, range.before ?? '\u{10FFFF}', range.limit)
        .map((r) => ({ quotedId: r.quoted_id, id: r.id, author: r.author }));
    },
    async counts(statusIds) {
      const counts = new Map<string, number>();
      if (statusIds.length === 0) return counts;
      for (const [statusId, count] of selectCounts.all(JSON.stringify(statusIds))) counts.set(statusId, count);
      return counts;
    },
    async recount(quotedId) {
      return setCount.get({ status: quotedId }) ?? 0;
    },
  };
}
