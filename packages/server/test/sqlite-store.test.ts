import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/adapters/sqlite/database.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { MIGRATIONS, migrate, schemaVersion } from '../src/adapters/sqlite/migrations.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { systemClock } from '../src/ports/clock.js';
import type { Store, UserRecord } from '../src/ports/store.js';
import { runStoreContract } from './contract/store-contract.js';

function readJobs(db: Db): { name: string; payload: Record<string, unknown> }[] {
  const rows = db.prepare<[], { name: string; payload: string }>('SELECT name, payload FROM jobs ORDER BY id').all();
  return rows.map((row) => {
    const payload: unknown = JSON.parse(row.payload);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new Error(`job ${row.name}: payload is not an object`);
    }
    return { name: row.name, payload: { ...payload } };
  });
}

function count(db: Db, sql: string, ...params: string[]): number {
  return db.prepare<string[], { n: number }>(sql).get(...params)?.n ?? 0;
}

// Both layouts: outbox jobs read back on the store's own connection (JOB_THREADS=0), and on a second connection to the
// same file, as a job thread sees them (JOB_THREADS=1): committed with their write, never before or without it.
for (const threads of [0, 1]) {
  runStoreContract({
    name: `sqlite (JOB_THREADS=${threads})`,
    create: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
      const db = openDatabase(join(dir, 'tweeter.db'));
      const jobsDb = threads === 0 ? db : openDatabase(join(dir, 'tweeter.db'));
      const store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
      return {
        store,
        readyJobs: async () => readJobs(jobsDb),
        notificationFaults: {
          async skewCount(recipient, groupKey, by) {
            db.prepare<[number, string, string]>(
              'UPDATE notification_groups SET actor_count = actor_count + ? WHERE recipient = ? AND group_key = ?',
            ).run(by, recipient, groupKey);
          },
          async dropEntry(recipient, groupKey, actor) {
            db.prepare<[string, string, string]>(
              'DELETE FROM notification_actors WHERE recipient = ? AND group_key = ? AND actor = ?',
            ).run(recipient, groupKey, actor);
          },
        },
        cleanup: async () => {
          await store.close();
          if (jobsDb.open) jobsDb.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  });
}

describe('SQLite store specifics', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let signal: ReadySignal;
  let store: Store;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-'));
    file = join(dir, 'tweeter.db');
    db = openDatabase(file);
    signal = new ReadySignal();
    store = createSqliteStore(db, { clock: systemClock, signal });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const user = (alias: string): UserRecord => ({
    alias,
    firstName: 'A',
    lastName: 'B',
    passwordHash: 'h',
    imageKey: null,
    createdAt: 0,
    followerCount: 0,
    followeeCount: 0,
  });
  const status = (id: string, author: string) => ({ id, author, post: 'p', segments: [], createdAt: 1 });

  it('runs in WAL mode', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('migrations are idempotent: reopening the file applies nothing new', () => {
    const again = openDatabase(file, { migrate: false });
    try {
      expect(schemaVersion(again)).toBe(MIGRATIONS.at(-1)?.version);
      expect(migrate(again)).toEqual([]);
    } finally {
      again.close();
    }
  });

  it('wakes the workers after the commit, and only when jobs were written', async () => {
    const wakes: boolean[] = [];
    signal.on(() => wakes.push(db.inTransaction));
    await store.users.createMany([user('ann'), user('bob')]);
    await store.follows.add('ann', 'bob', { createdAt: 1 });
    expect(wakes).toEqual([]);
    await store.follows.remove('ann', 'bob', { outbox: [{ name: 'unfollow.purge', payload: {} }] });
    await store.follows.add('ann', 'bob', { createdAt: 1, outbox: [{ name: 'follow.backfill', payload: {} }] });
    await store.follows.add('ann', 'bob', { createdAt: 1, outbox: [{ name: 'follow.backfill', payload: {} }] });
    await store.statuses.create(status('s1', 'ann'), { audience: 1, outbox: [{ name: 'fanout.plan', payload: {} }] });
    await store.statuses.create(status('s2', 'ann'), { audience: 1, outbox: [] });
    expect(wakes).toEqual([false, false, false]);
  });

  it('rolls the write back when its outbox jobs cannot be written', async () => {
    const bad = { name: 'fanout.plan', payload: { n: 1n } };
    await expect(store.statuses.create(status('s1', 'ann'), { audience: 0, outbox: [bad] })).rejects.toThrow();
    expect(await store.statuses.get('s1')).toBeNull();
    expect(await store.deliveries.get('s1')).toBeNull();
    await store.users.createMany([user('ann'), user('bob')]);
    await expect(store.follows.add('ann', 'bob', { createdAt: 1, outbox: [bad] })).rejects.toThrow();
    expect(await store.follows.exists('ann', 'bob')).toBe(false);
    expect((await store.users.get('bob'))?.followerCount).toBe(0);
    expect(readJobs(db)).toEqual([]);
  });

  it('deleting a status leaves no delivery pages or idempotency keys behind', async () => {
    await store.statuses.create(status('s1', 'ann'), { idempotencyKey: 'k', audience: 1 });
    await store.statuses.create(status('s2', 'ann'), { idempotencyKey: 'k2', audience: 1 });
    await store.follows.add('bob', 'ann', { createdAt: 1 });
    await store.deliveries.deliverPage({ statusId: 's1', author: 'ann' }, ['bob'], {
      now: 5,
      page: { key: 'p', count: 1 },
    });
    await store.statuses.delete('s1');
    expect(count(db, 'SELECT count(*) AS n FROM delivery_pages WHERE status_id = ?', 's1')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM idempotency_keys WHERE status_id = ?', 's1')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM idempotency_keys WHERE status_id = ?', 's2')).toBe(1);
  });

  it('keeps counts equal to the edge rows through bulk and single writes', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `u${i}`);
    await store.users.createMany(names.map(user));
    let seed = 7;
    const pick = (): string => {
      // xorshift32: a repeatable spread of edges, duplicates included
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return names[(seed >>> 0) % names.length] ?? 'u0';
    };
    for (let batch = 0; batch < 5; batch++) {
      const edges = Array.from({ length: 400 }, () => ({ follower: pick(), followee: pick() }));
      await store.follows.addMany(edges, batch);
      for (let i = 0; i < 50; i++) await store.follows.remove(pick(), pick());
      for (let i = 0; i < 50; i++) await store.follows.add(pick(), pick(), { createdAt: batch });
    }
    expect(count(db, 'SELECT count(*) AS n FROM follows')).toBeGreaterThan(1000);
    const mismatched = count(
      db,
      `SELECT count(*) AS n FROM users u WHERE
         follower_count != (SELECT count(*) FROM followers f WHERE f.followee = u.alias) OR
         followee_count != (SELECT count(*) FROM follows f WHERE f.follower = u.alias)`,
    );
    expect(mismatched).toBe(0);
    const asymmetric = count(
      db,
      `SELECT count(*) AS n FROM follows f FULL JOIN followers r ON f.follower = r.follower AND f.followee = r.followee
       WHERE f.follower IS NULL OR r.follower IS NULL`,
    );
    expect(asymmetric).toBe(0);
  });

  it('has no feed index by author (migration 5): the purge and the trim read the primary key', async () => {
    const indexes = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'feed_entries'")
      .pluck()
      .all();
    // The only other index is migration 14's partial one over repost entries (plain entries are not in it).
    expect(indexes.filter((name) => !name.startsWith('sqlite_autoindex'))).toEqual(['feed_repost_once']);
    const plan = (sql: string): string =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => row.detail)
        .join('; ');
    expect(plan("DELETE FROM feed_entries WHERE owner = 'bob' AND author = 'ann'")).toMatch(
      /SEARCH feed_entries USING PRIMARY KEY \(owner=\?\)/,
    );
    await store.feeds.addMany(
      Array.from({ length: 30 }, (_, i) => ({ owner: 'bob', statusId: `s${100 + i}`, author: 'ann' })),
    );
    expect(await store.feeds.trim('bob', { keep: 20, limit: 500 })).toBe(10);
    expect(await store.feeds.removeByAuthor('bob', 'ann')).toBe(20);
  });

  it('migration 5 drops the index from a file made before it, keeping the entries', () => {
    const old = openDatabase(join(dir, 'old.db'), { migrate: false });
    try {
      for (const m of MIGRATIONS.filter((m) => m.version <= 4)) old.exec(m.sql);
      old.pragma('user_version = 4');
      old.prepare("INSERT INTO feed_entries (owner, status_id, author) VALUES ('bob', 's1', 'ann')").run();
      // 5, then whatever came after it (other migrations are added by later work).
      expect(migrate(old)).toEqual(MIGRATIONS.filter((m) => m.version >= 5).map((m) => m.version));
      const names = old.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
      expect(names).not.toContain('feed_by_author');
      expect(old.prepare<[], number>('SELECT count(*) FROM feed_entries').pluck().get()).toBe(1);
    } finally {
      old.close();
    }
  });

  it('migration 10 adds the link card cache to a file made before it', () => {
    const old = openDatabase(join(dir, 'before-cards.db'), { migrate: false });
    try {
      for (const m of MIGRATIONS.filter((m) => m.version <= 5)) old.exec(m.sql);
      old.pragma('user_version = 5');
      expect(migrate(old)).toContain(10);
      const columns = old.prepare<[], string>("SELECT name FROM pragma_table_info('link_cards')").pluck().all();
      expect(columns).toEqual(['url_key', 'state', 'card', 'fetched_at', 'fresh_until', 'claim_until']);
    } finally {
      old.close();
    }
  });

  it('getMany takes more keys than SQLite allows bound parameters', async () => {
    const names = Array.from({ length: 40_000 }, (_, i) => `u${i}`);
    expect(await store.users.createMany(names.map(user))).toBe(names.length);
    expect((await store.users.getMany(names)).size).toBe(names.length);
  });
});
