import { peopleTerms, prefixEnd } from '../../domain/people-terms.js';
import type { PeopleCandidate, PeopleEntry, PeopleHit, PeopleIndex } from '../../ports/people-index.js';
import type { Db } from './database.js';

const ALIAS = 0;
const NAME = 1;

/** The people index over SQLite: the people_terms table (migration 17), written in one transaction per account. */
export function createSqlitePeopleIndex(db: Db): PeopleIndex {
  const insert = db.prepare<[number, string, string]>(
    'INSERT OR IGNORE INTO people_terms (kind, term, alias) VALUES (?, ?, ?)',
  );
  const removeAll = db.prepare<[string]>('DELETE FROM people_terms WHERE alias = ?');
  const range = db.prepare<[number, string, string, number], { alias: string }>(
    'SELECT alias FROM people_terms WHERE kind = ? AND term >= ? AND term < ? ORDER BY term, alias LIMIT +?',
  );
  // The same range joined to the users' rank inputs, as arrays (no full records, no objects per row): ranking a
  // one-letter query's 200 matches was a quarter of its cost when it read whole user rows.
  const rangeRanked = db
    .prepare<[number, string, string, number], [string, string, string, number]>(
      `SELECT t.alias, u.first_name, u.last_name, u.follower_count FROM people_terms AS t
         JOIN users AS u ON u.alias = t.alias
        WHERE t.kind = ? AND t.term >= ? AND t.term < ? ORDER BY t.term, t.alias LIMIT +?`,
    )
    .raw();
  // An alias term is the alias itself (stored lower-case, [a-z0-9_]: aliasTerm changes nothing), so an alias prefix's
  // accounts are a range of the users table's own key: adjacent rows, no join (a first-time prefix such as
  // `user_0219` read 100 index rows and 100 random user rows: 2 to 3 times the CPU).
  const aliasRanked = db
    .prepare<[string, string, number], [string, string, string, number]>(
      `SELECT alias, first_name, last_name, follower_count FROM users
        WHERE alias >= ? AND alias < ? ORDER BY alias LIMIT +?`,
    )
    .raw();
  const popular = db.prepare<[number], { alias: string }>(
    'SELECT alias FROM users ORDER BY follower_count DESC, alias LIMIT +?',
  );

  const write = (entry: PeopleEntry): void => {
    const terms = peopleTerms(entry);
    removeAll.run(entry.alias);
    insert.run(ALIAS, terms.alias, entry.alias);
    for (const word of terms.names) insert.run(NAME, word, entry.alias);
  };
  const putOne = db.transaction(write);
  const putMany = db.transaction((entries: readonly PeopleEntry[]) => entries.forEach(write));

  const read = (kind: number, prefix: string, limit: number): string[] => {
    // A name with several words matching the prefix gives several rows: read a little more, keep distinct aliases.
    const seen = new Set<string>();
    for (const row of range.all(kind, prefix, prefixEnd(prefix), limit * 2)) {
      seen.add(row.alias);
      if (seen.size === limit) break;
    }
    return [...seen];
  };

  const readRanked = (kind: number, prefix: string, limit: number, out: PeopleCandidate[]): void => {
    const hitKind = kind === ALIAS ? 'alias' : 'name';
    // An account has one alias term: `limit` rows are `limit` accounts. Name words may repeat an account, so those
    // rows are iterated up to `limit` distinct ones (stepping stops there: no user row is joined beyond it).
    if (kind === ALIAS) {
      for (const [alias, firstName, lastName, followerCount] of aliasRanked.all(prefix, prefixEnd(prefix), limit))
        out.push({ alias, kind: hitKind, firstName, lastName, followerCount });
      return;
    }
    const seen = new Set<string>();
    for (const [alias, firstName, lastName, followerCount] of rangeRanked.iterate(
      kind,
      prefix,
      prefixEnd(prefix),
      limit * 2,
    )) {
      if (seen.has(alias)) continue;
      seen.add(alias);
      out.push({ alias, kind: hitKind, firstName, lastName, followerCount });
      if (seen.size === limit) break;
    }
  };

  return {
    async put(entry) {
      putOne.immediate(entry);
    },
    async putMany(entries) {
      if (entries.length > 0) putMany.immediate(entries);
    },
    async remove(alias) {
      removeAll.run(alias);
    },
    async match(query, limit) {
      const hits: PeopleHit[] = [];
      if (query.aliasPrefix) {
        for (const alias of read(ALIAS, query.aliasPrefix, limit)) hits.push({ alias, kind: 'alias' });
      }
      if (query.namePrefix) {
        for (const alias of read(NAME, query.namePrefix, limit)) hits.push({ alias, kind: 'name' });
      }
      return hits;
    },
    async candidates(query, limit) {
      const out: PeopleCandidate[] = [];
      if (query.aliasPrefix) readRanked(ALIAS, query.aliasPrefix, limit, out);
      if (query.namePrefix) readRanked(NAME, query.namePrefix, limit, out);
      return out;
    },
    async popular(limit) {
      return popular.all(limit).map((row) => row.alias);
    },
  };
}
