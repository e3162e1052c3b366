import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { ridesWithPosts } from '../src/adapters/sqlite/open.js';
import { SqliteWriter, type GroupCommitLimits } from '../src/adapters/sqlite/writer.js';

// The embedded file's one writer over a real SQLite file: group commit, savepoints per request, priorities.
let dir: string;
let dbs: Db[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-'));
  dbs = [];
});

afterEach(() => {
  for (const db of dbs) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(limits: GroupCommitLimits = { maxRequests: 1000, maxMs: 10_000 }) {
  const file = join(dir, 'w.db');
  const db = openDatabase(file, { migrate: false });
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  dbs.push(db);
  const reader = openDatabase(file, { readonly: true });
  dbs.push(reader);
  const insert = db.prepare<[string]>('INSERT INTO t (k) VALUES (?)');
  const keys = () =>
    reader
      .prepare<[], { k: string }>('SELECT k FROM t ORDER BY k')
      .all()
      .map((row) => row.k);
  return { db, file, writer: new SqliteWriter(db, limits), insert, keys };
}

describe('SqliteWriter', () => {
  it('commits the requests that arrived together in one transaction, each answered once it is committed', async () => {
    const { writer, insert, keys } = open();
    const seenAtAnswer: number[] = [];
    const all = Array.from({ length: 50 }, (_, i) =>
      writer
        .submit('interactive', () => insert.run(`k${String(i).padStart(2, '0')}`).changes)
        .then((changes) => {
          seenAtAnswer.push(keys().length); // another connection sees the whole group by the time anyone is answered
          return changes;
        }),
    );
    expect(await Promise.all(all)).toEqual(Array.from({ length: 50 }, () => 1));
    expect(seenAtAnswer.every((n) => n === 50)).toBe(true);
    expect(writer.counts).toEqual({ groups: 1, requests: 50, failed: 0 });
  });

  it('rolls back a failing request alone: the others of its group commit, nothing of it is written', async () => {
    const { writer, insert, keys } = open();
    const a = writer.submit('interactive', () => insert.run('a'));
    const b = writer.submit('interactive', () => {
      insert.run('b');
      insert.run('a'); // a duplicate key: the request fails after writing half of itself
    });
    const c = writer.submit('interactive', () => insert.run('c'));
    await expect(b).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await Promise.all([a, c]);
    expect(keys()).toEqual(['a', 'c']);
    expect(writer.counts).toEqual({ groups: 1, requests: 3, failed: 1 });
  });

  it('runs interactive requests ahead of bulk ones, commits them without bulk ones behind, bounds a group by its count', async () => {
    const { writer, insert, keys } = open({ maxRequests: 2, maxMs: 10_000 });
    const order: string[] = [];
    let seenByPost: string[] = [];
    const run = (priority: 'interactive' | 'bulk', key: string) =>
      writer.submit(priority, () => {
        order.push(key);
        insert.run(key);
      });
    const post = run('interactive', 'post').then(() => {
      seenByPost = keys();
    });
    await Promise.all([run('bulk', 'page1'), run('bulk', 'page2'), post, run('bulk', 'page3')]);
    expect(order).toEqual(['post', 'page1', 'page2', 'page3']);
    expect(seenByPost).toEqual(['post']); // its group held no page
    expect(writer.counts.groups).toBe(3); // [post], [page1, page2], [page3]
  });

  it('keeps a group of bulk requests only open past maxMs, up to maxBulkMs, while no interactive write waits', async () => {
    const pages = (writer: SqliteWriter, insert: ReturnType<typeof open>['insert'], tag: string) =>
      Promise.all([1, 2, 3, 4].map((n) => writer.submit('bulk', () => insert.run(`${tag}${n}`))));
    const bounded = open({ maxRequests: 1000, maxMs: 0 });
    await pages(bounded.writer, bounded.insert, 'a');
    expect(bounded.writer.counts.groups).toBe(4); // past maxMs after each request, without maxBulkMs
    dbs.splice(0).forEach((db) => db.close());
    rmSync(join(dir, 'w.db'), { force: true });
    const extended = open({ maxRequests: 1000, maxMs: 0, maxBulkMs: 60_000 });
    await pages(extended.writer, extended.insert, 'b');
    expect(extended.writer.counts.groups).toBe(1);
    expect(extended.keys()).toEqual(['b1', 'b2', 'b3', 'b4']);
  });

  it('takes a receive queued as a group of posts runs out (a rider) into that group, and no other bulk request', async () => {
    const { writer, insert, keys } = open();
    const behind: Promise<unknown>[] = [];
    const seenAtAnswer = await writer
      .submit('interactive', () => {
        insert.run('post');
        // What a post's ready signal sets off: a worker loop's receive, here ahead of a fan-out page.
        behind.push(writer.submit('bulk', () => insert.run('receive'), { rides: true }));
        behind.push(writer.submit('bulk', () => insert.run('page')));
      })
      .then(() => keys());
    expect(seenAtAnswer).toEqual(['post', 'receive']);
    await Promise.all(behind);
    expect(keys()).toEqual(['page', 'post', 'receive']);
    expect(writer.counts).toEqual({ groups: 2, requests: 3, failed: 0 });
  });

  it('lets only a small receive ride with posts: a gathering receive or a large batch of acks keeps its own group', () => {
    const options = (max: number) => ({ max, visibilityMs: 30_000 });
    const acks = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1) }));
    expect(ridesWithPosts('queue', 'receive', [options(8)])).toBe(true);
    expect(ridesWithPosts('queue', 'ackAndReceive', [acks(3), options(8)])).toBe(true);
    expect(ridesWithPosts('queue', 'receive', [options(248)])).toBe(false);
    expect(ridesWithPosts('queue', 'ackAndReceive', [acks(256), options(8)])).toBe(false);
    expect(ridesWithPosts('queue', 'ackBatch', [acks(1)])).toBe(false);
    expect(ridesWithPosts('feeds', 'trim', [options(1)])).toBe(false);
  });

  it('ends a long bulk group once an interactive write arrives, taking it in: the post waits for one bulk request and one COMMIT', async () => {
    const { writer, insert, keys } = open({ maxRequests: 1000, maxMs: 0, maxBulkMs: 60_000 });
    const order: string[] = [];
    let seenByPost: string[] = [];
    const page = (key: string) =>
      writer.submit('bulk', () => {
        order.push(key);
        insert.run(key);
        // A post sent while this page is written (as the HTTP thread's message would arrive): queued on the next turn.
        if (key === 'page1')
          setImmediate(() => {
            void writer
              .submit('interactive', () => {
                order.push('post');
                insert.run('post');
              })
              .then(() => {
                seenByPost = keys();
              });
            void writer.submit('interactive', () => {
              order.push('post2');
              insert.run('post2');
            });
          });
      });
    await Promise.all(['page1', 'page2', 'page3', 'page4'].map(page));
    await writer.idle();
    expect(order).toEqual(['page1', 'post', 'post2', 'page2', 'page3', 'page4']);
    // Both posts were committed (and answered) with the page in progress, before the rest of the backlog was written.
    expect(seenByPost).toEqual(['page1', 'post', 'post2']);
    expect(writer.counts.groups).toBe(2); // [page1, post, post2], [page2, page3, page4]
  });

  it('bounds a bulk group by bulkYieldMs for a waiting post, while a burst of posts still shares one group (maxMs)', async () => {
    const { writer, insert, keys } = open({ maxRequests: 1000, maxMs: 60_000, maxBulkMs: 60_000, bulkYieldMs: 0 });
    const order: string[] = [];
    const page = (key: string) =>
      writer.submit('bulk', () => {
        order.push(key);
        insert.run(key);
        // A post sent while the first page is written: the group yields after it and takes the post in.
        if (key === 'page1')
          setImmediate(() => {
            void writer.submit('interactive', () => {
              order.push('post');
              insert.run('post');
            });
          });
      });
    await Promise.all(['page1', 'page2', 'page3'].map(page));
    await writer.idle();
    expect(order).toEqual(['page1', 'post', 'page2', 'page3']);
    expect(writer.counts.groups).toBe(2); // [page1, post], [page2, page3]
    await Promise.all(['a', 'b', 'c'].map((key) => writer.submit('interactive', () => insert.run(key))));
    expect(writer.counts.groups).toBe(3); // the posts together: their group keeps maxMs
    expect(keys()).toEqual(['a', 'b', 'c', 'page1', 'page2', 'page3', 'post']);
  });

  it('keeps the time bound of a group that holds interactive writes: a burst of posts splits into groups', async () => {
    const { writer, insert, keys } = open({ maxRequests: 1000, maxMs: 0, maxBulkMs: 60_000 });
    await Promise.all(['a', 'b', 'c'].map((key) => writer.submit('interactive', () => insert.run(key))));
    expect(keys()).toEqual(['a', 'b', 'c']);
    expect(writer.counts.groups).toBe(3); // past maxMs after each post
  });

  it('commits a batch as one request: the writes inside run inline, and a failure leaves nothing', async () => {
    const { writer, insert, keys } = open();
    const write = (key: string) => writer.submit('interactive', () => insert.run(key));
    await writer.batch(async () => {
      await write('x');
      await write('y');
    });
    await expect(
      writer.batch(async () => {
        await write('z');
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(keys()).toEqual(['x', 'y']);
    expect(writer.counts).toEqual({ groups: 2, requests: 2, failed: 1 });
  });

  it('fails loudly when another connection holds the write lock, instead of waiting its turn', async () => {
    const { writer, insert, keys, file } = open();
    const intruder = openDatabase(file, { migrate: false });
    dbs.push(intruder);
    intruder.exec('BEGIN IMMEDIATE');
    await expect(writer.submit('interactive', () => insert.run('late'))).rejects.toMatchObject({
      code: 'SQLITE_BUSY',
    });
    intruder.exec('COMMIT');
    await writer.submit('interactive', () => insert.run('after'));
    expect(keys()).toEqual(['after']);
  });

  it('answers what was submitted before close, and refuses what comes after', async () => {
    const { writer, insert, keys } = open();
    const pending = writer.submit('bulk', () => insert.run('last'));
    await writer.close();
    await pending;
    await expect(writer.submit('interactive', () => insert.run('never'))).rejects.toThrow(/closed/);
    expect(keys()).toEqual(['last']);
  });
});
