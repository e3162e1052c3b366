import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/adapters/sqlite/database.js';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { CountsReconcileProcessor } from '../src/jobs/counts-reconcile.js';
import { StatusPurgeProcessor } from '../src/jobs/status-purge.js';
import { systemClock } from '../src/ports/clock.js';
import type { Job } from '../src/ports/job-queue.js';
import type { Store } from '../src/ports/store.js';
import { board, member, statuses, T0 } from './contract/social-fixtures.js';

// Races and sizes the embedded store must get right: a purge of a status with 20,000 reactions in bounded
// batches, writes racing a status's deletion, two processes writing one board while a poller pages, and
// counts repaired by counts.reconcile.

let dir: string;
let file: string;
let db: Db;
let store: Store;
const open = (): { db: Db; store: Store } => {
  const handle = openDatabase(file);
  return { db: handle, store: createSqliteStore(handle, { clock: systemClock, signal: new ReadySignal() }) };
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-races-'));
  file = join(dir, 'tweeter.db');
  ({ db, store } = open());
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const job = (name: string, payload: Record<string, unknown>): Job => ({
  id: '1',
  name,
  payload,
  attempts: 1,
  enqueuedAt: T0,
  receipt: 'r',
});

const rows = (sql: string, ...params: string[]): number =>
  db.prepare<string[], { n: number }>(sql).get(...params)?.n ?? 0;

describe('status.purge', () => {
  it('removes 20,000 reactions of a deleted status in batches of at most the batch size', async () => {
    await statuses(store, 'S1', 'S2');
    const users = Array.from({ length: 10_000 }, (_, i) => `u${i}`);
    db.exec('BEGIN'); // one commit for the seeding: each add becomes a savepoint
    for (const u of users) {
      await store.reactions.add('status', 'S1', u, 'like', T0);
      await store.reactions.add('status', 'S1', u, 'heart', T0);
    }
    db.exec('COMMIT');
    await store.reactions.add('status', 'S2', 'ann', 'like', T0);
    expect(rows("SELECT count(*) AS n FROM reactions WHERE target = 'status:S1'")).toBe(20_000);
    await store.statuses.delete('S1');

    // The real repository, observed: every purge call and what it removed.
    const removedPerCall: number[] = [];
    const reactions = {
      ...store.reactions,
      purge: async (...args: Parameters<Store['reactions']['purge']>) => {
        const n = await store.reactions.purge(...args);
        removedPerCall.push(n);
        return n;
      },
    };
    const purge = new StatusPurgeProcessor({
      reactions,
      comments: store.comments,
      quotes: store.quotes,
      batchSize: 500,
    });
    await purge.perform(job('status.purge', { statusId: 'S1', author: 'ann' }));

    expect(Math.max(...removedPerCall)).toBe(500);
    expect(removedPerCall.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(removedPerCall).toHaveLength(41); // 40 full batches, then one that finds none left
    expect(rows("SELECT count(*) AS n FROM reactions WHERE target = 'status:S1'")).toBe(0);
    expect(rows("SELECT count(*) AS n FROM reaction_counts WHERE target = 'status:S1'")).toBe(0);
    expect((await store.reactions.counts('status', ['S2'])).get('S2')).toEqual({ like: 1, heart: 0 });
  });
});

describe('writes racing a status deletion', () => {
  it("a reply's thread record whose parent was deleted after the service read it is refused and leaves nothing", async () => {
    await statuses(store, 'S1');
    // Another process deletes the status between the service's read (it saw S1) and its write of the reply's place.
    await store.statuses.delete('S1');
    const placed = await store.comments.create({
      id: 'R1',
      statusId: 'S1',
      author: 'bob',
      text: 'too late',
      createdAt: T0,
      deleted: false,
    });
    expect(placed).toBe(false); // the reply service then deletes the reply and answers 404 status_deleted
    expect(await store.statuses.wasDeleted('S1')).toBe(true);
    expect(rows("SELECT count(*) AS n FROM comments WHERE status_id = 'S1'")).toBe(0);
    expect(rows("SELECT count(*) AS n FROM comment_counts WHERE status_id = 'S1'")).toBe(0);
    expect(await store.reactions.add('status', 'S1', 'bob', 'like', T0)).toBeNull();
    expect(rows("SELECT count(*) AS n FROM reactions WHERE target = 'status:S1'")).toBe(0);
  });
});

describe('board messages written by two processes', () => {
  it('a poller on one connection never skips a message another connection writes with a clock behind', async () => {
    const second = open();
    try {
      await store.boards.create(board(1));
      const draft = (text: string, createdAt: number) => ({
        boardId: board(1).id,
        author: 'ann',
        topic: null,
        text,
        createdAt,
        deleted: false,
      });
      const ahead = await store.messages.create(draft('ahead', T0 + 60_000));
      const seen = await second.store.messages.page(board(1).id, { order: 'asc', limit: 10 });
      expect(seen.map((m) => m.id)).toEqual([ahead.id]);
      const behind = await second.store.messages.create(draft('behind', T0));
      const next = await store.messages.page(board(1).id, { order: 'asc', after: ahead.id, limit: 10 });
      expect(next.map((m) => m.id)).toEqual([behind.id]);
    } finally {
      await second.store.close();
    }
  });
});

describe('counts.reconcile', () => {
  it('repairs member, reaction and comment counts broken on purpose', async () => {
    await store.boards.create(board(1));
    await store.members.put(member(1, 'bob'));
    await statuses(store, 'S1');
    await store.reactions.add('status', 'S1', 'bob', 'heart', T0);
    await store.comments.create({ id: 'C1', statusId: 'S1', author: 'bob', text: 'c', createdAt: T0, deleted: false });
    db.exec(`UPDATE boards SET member_count = 40; UPDATE reaction_counts SET count = 9;
             UPDATE comment_counts SET count = 0`);
    const reconcile = new CountsReconcileProcessor(store);
    await reconcile.perform(job('counts.reconcile', { target: 'board', id: board(1).id }));
    await reconcile.perform(job('counts.reconcile', { target: 'status', id: 'S1' }));
    expect((await store.boards.get(board(1).id))?.memberCount).toBe(2);
    expect((await store.reactions.counts('status', ['S1'])).get('S1')).toEqual({ like: 0, heart: 1 });
    expect((await store.comments.counts(['S1'])).get('S1')).toBe(1);
    await expect(reconcile.perform(job('counts.reconcile', { target: 'user', id: 'x' }))).rejects.toThrow(/malformed/);
  });
});
