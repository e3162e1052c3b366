import type { FeedEntry, FeedRepo } from '../../ports/store.js';
import type { Db } from './database.js';
import type { StatusCounts } from '../../ports/status-counts.js';
import { COUNT_FIELDS, countFields, countsAt } from './status-counts-repo.js';

/** The home-feed repository over SQLite: entries are (owner, statusId) keys with the author beside them. */
export function createFeedsRepo(db: Db): FeedRepo {
  const insert = db.prepare<[string, string, string]>(
    'INSERT OR IGNORE INTO feed_entries (owner, status_id, author) VALUES (?, ?, ?)',
  );
  // One string per row ('<status id> <author>[ <original>]', split here): better-sqlite3 pays for every value it
  // hands to JavaScript, so one value a row instead of three (ids and aliases hold no space) cut the page's read by
  // about a tenth, after arrays instead of row objects (`SELECT *`) had halved it.
  const ROW = "status_id || ' ' || author || ifnull(' ' || original, '')";
  // LIMIT and OFFSET take `+?`: a bare parameter there re-prepares the statement at every call (see deliveries-repo.ts).
  const selectPage = db
    .prepare<[string, number], string>(
      `SELECT ${ROW} FROM feed_entries WHERE owner = ? ORDER BY status_id DESC LIMIT +?`,
    )
    .pluck();
  const selectPageBefore = db
    .prepare<[string, string, number], string>(
      `SELECT ${ROW} FROM feed_entries WHERE owner = ? AND status_id < ? ORDER BY status_id DESC LIMIT +?`,
    )
    .pluck();
  // `pageCounted`: the entry's three fields (its original '' when none) then its status's counters, one string a row.
  // The counters' seeks run only for the rows the range returns (the result columns of a LIMITed walk down the key),
  // so the page's counters cost no read transaction, id list or statement of their own.
  // The entry's columns are qualified: inside the counters' subqueries a bare `status_id` is their own table's.
  // Then whether the owner's feed hides the entry's author (a repost entry's: its reposter), by Visibility's
  // `feedHidden` rule: the owner blocks or mutes them, or they block the owner (three key seeks). They run only when
  // the owner has an edge at all or someone blocks the owner: the CASE's condition is uncorrelated, so SQLite
  // evaluates it once a run (two seeks a page for nearly every reader). Equalities, no `IN` list: one would open an
  // ephemeral table at every run.
  const HIDDEN = `CASE WHEN EXISTS (SELECT 1 FROM relations WHERE owner = @owner)
      OR EXISTS (SELECT 1 FROM relations WHERE target = @owner AND kind = 'block')
    THEN e.author <> @owner AND (
      EXISTS (SELECT 1 FROM relations r WHERE r.owner = @owner AND r.kind = 'block' AND r.target = e.author)
      OR EXISTS (SELECT 1 FROM relations r WHERE r.owner = @owner AND r.kind = 'mute' AND r.target = e.author)
      OR EXISTS (SELECT 1 FROM relations r WHERE r.owner = e.author AND r.kind = 'block' AND r.target = @owner))
    ELSE 0 END`;
  const COUNTED = `e.status_id || ' ' || e.author || ' ' || ifnull(e.original, '') || ' ' || (${HIDDEN}) || ' ' || ${countFields('ifnull(e.original, e.status_id)', '@owner')}`;
  const selectCounted = db
    .prepare<{ owner: string; limit: number }, string>(
      `SELECT ${COUNTED} FROM feed_entries e WHERE e.owner = @owner ORDER BY e.status_id DESC LIMIT +@limit`,
    )
    .pluck();
  const selectCountedBefore = db
    .prepare<{ owner: string; before: string; limit: number }, string>(
      `SELECT ${COUNTED} FROM feed_entries e WHERE e.owner = @owner AND e.status_id < @before
       ORDER BY e.status_id DESC LIMIT +@limit`,
    )
    .pluck();
  // No index by author: the primary key's owner prefix is the owner's feed, which trimming keeps near
  // FEED_MAX_ENTRIES rows, so a purge scans at most that many (one index fewer to write per delivered entry).
  const deleteByAuthor = db.prepare<[string, string]>('DELETE FROM feed_entries WHERE owner = ? AND author = ?');
  const deleteByAuthorIds = db.prepare<[string, string], { status_id: string }>(
    'DELETE FROM feed_entries WHERE owner = ? AND author = ? RETURNING status_id',
  );
  // The entries past the newest `keep`, newest of them first: one statement, so the cut and the delete agree.
  const trim = db.prepare<{ owner: string; keep: number; limit: number }>(
    `DELETE FROM feed_entries WHERE owner = @owner AND status_id IN (
       SELECT status_id FROM feed_entries WHERE owner = @owner ORDER BY status_id DESC LIMIT +@limit OFFSET +@keep)`,
  );
  // The (keep+1)-th newest entry exists: a seek into the owner's run of the primary key, at most `keep` steps along it.
  const pastBound = db
    .prepare<[string, number], string>(
      `SELECT j.value FROM json_each(?) j WHERE EXISTS (
         SELECT 1 FROM feed_entries e WHERE e.owner = j.value ORDER BY e.status_id DESC LIMIT 1 OFFSET +?)`,
    )
    .pluck();
  const deleteEntry = db.prepare<[string, string]>('DELETE FROM feed_entries WHERE owner = ? AND status_id = ?');
  // Per status: its own entry (the primary key) and a repost entry of it (feed_repost_once, keyed by the original).
  const presence = db
    .prepare<{ owner: string; ids: string }, [string, number, string | null]>(
      `SELECT j.value,
         EXISTS (SELECT 1 FROM feed_entries e WHERE e.owner = @owner AND e.status_id = j.value),
         (SELECT r.status_id FROM feed_entries r WHERE r.original = j.value AND r.owner = @owner)
       FROM json_each(@ids) j`,
    )
    .raw();

  const addMany = db.transaction((entries: readonly FeedEntry[]): number => {
    let added = 0;
    for (const e of entries) added += insert.run(e.owner, e.statusId, e.author).changes;
    return added;
  });

  const removeStatus = db.transaction((statusId: string, owners: readonly string[]): number => {
    let removed = 0;
    for (const owner of owners) removed += deleteEntry.run(owner, statusId).changes;
    return removed;
  });

  return {
    async page(owner, range) {
      const rows =
        range.before === undefined
          ? selectPage.all(owner, range.limit)
          : selectPageBefore.all(owner, range.before, range.limit);
      return rows.map((row) => {
        const [statusId = '', author = '', original] = row.split(' ');
        return original === undefined ? { owner, statusId, author } : { owner, statusId, author, original };
      });
    },
    async pageCounted(owner, range) {
      const rows =
        range.before === undefined
          ? selectCounted.all({ owner, limit: range.limit })
          : selectCountedBefore.all({ owner, before: range.before, limit: range.limit });
      const entries: FeedEntry[] = [];
      const counts = new Map<string, StatusCounts>();
      const hidden = new Set<string>();
      for (const row of rows) {
        const f = row.split(' ');
        if (f.length !== 4 + COUNT_FIELDS) throw new Error(`feed page: ${f.length} fields in a row`);
        const [statusId = '', author = '', original = '', hides] = f;
        entries.push(original === '' ? { owner, statusId, author } : { owner, statusId, author, original });
        if (hides === '1') hidden.add(author);
        counts.set(original === '' ? statusId : original, countsAt(f, 4));
      }
      return { entries, counts, hidden };
    },
    async addMany(entries) {
      return entries.length === 0 ? 0 : addMany.immediate(entries);
    },
    async removeByAuthor(owner, author) {
      return deleteByAuthor.run(owner, author).changes;
    },
    async removeByAuthorIds(owner, author) {
      return deleteByAuthorIds.all(owner, author).map((r) => r.status_id);
    },
    async removeStatus(statusId, owners) {
      return owners.length === 0 ? 0 : removeStatus.immediate(statusId, owners);
    },
    async trim(owner, { keep, limit }) {
      if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`keep must be a whole number, got ${keep}`);
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      return trim.run({ owner, keep, limit }).changes;
    },
    async pastBound(owners, keep) {
      if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`keep must be a whole number, got ${keep}`);
      return owners.length === 0 ? [] : pastBound.all(JSON.stringify(owners), keep);
    },
    async presence(owner, statusIds) {
      const out = { plain: new Set<string>(), reposts: new Map<string, string>() };
      if (statusIds.length === 0) return out;
      for (const [id, plain, repost] of presence.all({ owner, ids: JSON.stringify(statusIds) })) {
        if (plain === 1) out.plain.add(id);
        if (repost !== null) out.reposts.set(id, repost);
      }
      return out;
    },
  };
}
