import { peopleTerms, prefixEnd } from '../../domain/people-terms.js';
import type { PeopleEntry, PeopleHit, PeopleIndex } from '../../ports/people-index.js';
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
    'SELECT alias FROM people_terms WHERE kind = ? AND term >= ? AND term < ? ORDER BY term, alias LIMIT ?',
  );
  const popular = db.prepare<[number], { alias: string }>(
    'SELECT alias FROM users ORDER BY follower_count DESC, alias LIMIT ?',
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
    async popular(limit) {
      return popular.all(limit).map((row) => row.alias);
    },
  };
}
