import type { BulkStatus, PopulationWriter } from '../../ports/population-writer.js';
import { hourOf } from '../../ports/status-search.js';
import type { Db } from './database.js';
import { prepareSearchIndexWrites } from './search-index-writes.js';
import { searchRowid } from './status-search-repo.js';

/** Runs work as one request of the file's writer (write-batch.ts). */
type WriteBatch = <T>(work: () => Promise<T>) => Promise<T>;

/** Followers per delivery page, as the population's store path plans them (population/populate.ts). */
const FOLLOWER_PAGE = 1_000;
/** The page cache while loading (the writer's 64 MiB otherwise): the feed and index B-trees stay in memory. */
const LOAD_CACHE_KIB = 1_048_576;

/**
 * The population's fast path over SQLite: one prepared statement per row kind and one transaction per batch (a
 * savepoint inside the writer's batch, so the writer stays the file's only committer). Each status gets, in the same
 * batch, exactly the rows the store path writes: statuses, idempotency_keys, a finished deliveries record with its
 * delivery_pages, feed_entries for every follower, search_docs + status_fts and the tag counters of its hour.
 */
export function createSqlitePopulationWriter(db: Db, writeBatch: WriteBatch): PopulationWriter {
  const keyExists = db
    .prepare<[string, string], number>('SELECT 1 FROM idempotency_keys WHERE author = ? AND key = ?')
    .pluck();
  const insertStatus = db.prepare<[string, string, string, string, number]>(
    'INSERT INTO statuses (id, author, post, segments, created_at, pulled, media, refs) VALUES (?, ?, ?, ?, ?, 0, NULL, NULL)',
  );
  const insertKey = db.prepare<[string, string, string, number]>(
    'INSERT INTO idempotency_keys (author, key, status_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const followers = db
    .prepare<[string], string>('SELECT follower FROM followers WHERE followee = ? ORDER BY follower')
    .pluck();
  const insertEntries = db.prepare<[string, string, string]>(
    `INSERT OR IGNORE INTO feed_entries (owner, status_id, author)
     SELECT follower, ?, ? FROM followers WHERE followee = ?`,
  );
  // The record as planning and delivering every page leaves it: planned = delivered = audience, finished.
  const insertDelivery = db.prepare<
    [{ id: string; author: string; audience: number; cursor: string | null; createdAt: number; now: number }]
  >(
    `INSERT INTO deliveries (status_id, author, audience, delivered, planned, cursor, plan_started, plan_done,
       created_at, finished_at)
     VALUES (@id, @author, @audience, @audience, @audience, @cursor, 1, 1, @createdAt, @now)`,
  );
  const insertPage = db.prepare<[string, string]>('INSERT INTO delivery_pages (status_id, page_key) VALUES (?, ?)');
  // The index rows and trend counters, as the status-search repository's index() writes them.
  const { rowidTaken, insertDoc, insertFts, countStatus, addAccount, lastUse, setLastUse } =
    prepareSearchIndexWrites(db);

  const index = (s: NonNullable<BulkStatus['indexed']>): void => {
    let rowid = searchRowid(s.statusId);
    while (rowidTaken.get(rowid) !== undefined) rowid += 1n;
    insertDoc.run(rowid, s.statusId, s.author);
    insertFts.run(rowid, s.terms.join(' '));
    const hour = hourOf(s.createdAt);
    for (const tag of s.tags) {
      countStatus.run(hour, tag);
      const last = lastUse.get(tag, s.author);
      if (last !== undefined && last >= hour) continue;
      setLastUse.run(tag, s.author, hour);
      addAccount.run(hour, tag, 1);
      if (last !== undefined) addAccount.run(last, tag, -1);
    }
  };

  const deliver = (id: string, author: string, createdAt: number, now: number): number => {
    const audience = followers.all(author);
    const last = audience.at(-1) ?? null;
    insertDelivery.run({ id, author, audience: audience.length, cursor: last, createdAt, now });
    // One page per FOLLOWER_PAGE followers, keyed by its last follower (the store path's `populate:<to>`).
    for (let end = FOLLOWER_PAGE - 1; end < audience.length + FOLLOWER_PAGE - 1; end += FOLLOWER_PAGE) {
      insertPage.run(id, `populate:${audience[Math.min(end, audience.length - 1)] ?? ''}`);
    }
    return audience.length === 0 ? 0 : insertEntries.run(id, author, author).changes;
  };

  const load = db.transaction((batch: readonly BulkStatus[], now: number) => {
    let created = 0;
    let feedEntries = 0;
    for (const { status, idempotencyKey, indexed } of batch) {
      if (keyExists.get(status.author, idempotencyKey) !== undefined) continue; // written by an earlier run
      const { id, author, post, segments, createdAt } = status;
      insertStatus.run(id, author, post, JSON.stringify(segments), createdAt);
      insertKey.run(author, idempotencyKey, id, createdAt);
      feedEntries += deliver(id, author, createdAt, now);
      if (indexed) index(indexed);
      created++;
    }
    return { created, feedEntries };
  });

  return {
    async start() {
      db.pragma(`cache_size = -${LOAD_CACHE_KIB}`);
    },
    async statuses(batch, now) {
      return batch.length === 0 ? { created: 0, feedEntries: 0 } : writeBatch(async () => load(batch, now));
    },
    async finish() {
      // Many small FTS segments (one or more per batch) make every query merge them: one segment reads fastest.
      await writeBatch(async () => {
        db.prepare("INSERT INTO status_fts (status_fts) VALUES ('optimize')").run();
        db.pragma('optimize');
      });
    },
  };
}
