import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { SqliteWriter } from '../src/adapters/sqlite/writer.js';

// When a bulk-only group's answers are given (bulk-answers.ts), over a real SQLite file: a post whose message arrives
// while a bulk group runs is committed and answered before the job work that the bulk answers resume.
let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-answers-'));
  db = openDatabase(join(dir, 'w.db'), { migrate: false });
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const writer = new SqliteWriter(db, { maxRequests: 1000, maxMs: 10_000 });
  const insert = db.prepare<[string]>('INSERT INTO t (k) VALUES (?)');
  const order: string[] = [];
  // The HTTP thread's write arrives as a message, handled in a later turn of the event loop (as in the job thread).
  const channel = new MessageChannel();
  let post: Promise<unknown> = Promise.resolve();
  channel.port2.on('message', (key: string) => {
    post = writer.submit('interactive', () => insert.run(key)).then(() => order.push(`${key} answered`));
  });
  const postDuring = (key: string) => channel.port1.postMessage(key);
  const close = () => channel.port1.close();
  return { writer, insert, order, postDuring, close, awaitPost: () => post };
}

describe('SqliteWriter, the answers of a bulk-only group', () => {
  it('answers a post that arrived during a bulk group before the bulk requests', async () => {
    const { writer, insert, order, postDuring, close, awaitPost } = setup();
    const page = writer
      .submit('bulk', () => {
        insert.run('page');
        postDuring('post');
      })
      .then(() => order.push('page answered'));
    await page;
    await awaitPost();
    close();
    // Before, the page's answer (and the job work it resumes) ran in the group's own turn, ahead of the post.
    expect(order).toEqual(['post answered', 'page answered']);
    expect(writer.counts).toEqual({ groups: 2, requests: 2, failed: 0 });
  });

  it('answers a bulk group a turn after its commit when no post waits, and idle() waits for those answers', async () => {
    const { writer, insert, close } = setup();
    let answered = false;
    void writer.submit('bulk', () => insert.run('page')).then(() => (answered = true));
    await writer.idle();
    close();
    expect(answered).toBe(true);
    expect(db.prepare('SELECT k FROM t').pluck().all()).toEqual(['page']);
  });

  it('still fails a bulk request that threw, alone', async () => {
    const { writer, insert, close } = setup();
    const ok = writer.submit('bulk', () => insert.run('a'));
    const bad = writer.submit('bulk', () => insert.run('a'));
    await expect(ok).resolves.toBeDefined();
    await expect(bad).rejects.toThrow(/UNIQUE/);
    close();
    expect(writer.counts).toEqual({ groups: 1, requests: 2, failed: 1 });
  });
});
