import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { SqliteWriter, type GroupCommitLimits } from '../src/adapters/sqlite/writer.js';

// The writer's gap before a bulk-only group (GroupCommitLimits.bulkGapMs) over a real SQLite file: at moderate load
// job steps share transactions, while a post never waits for the gap and an idle writer starts at once.
let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-pace-'));
  db = openDatabase(join(dir, 'w.db'), { migrate: false });
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function writer(limits: Partial<GroupCommitLimits>) {
  const insert = db.prepare<[string]>('INSERT INTO t (k) VALUES (?)');
  const w = new SqliteWriter(db, { maxRequests: 1000, maxMs: 10_000, ...limits });
  const order: string[] = [];
  const write = (priority: 'interactive' | 'bulk', key: string, gathers = false) =>
    w.submit(
      priority,
      () => {
        order.push(key);
        insert.run(key);
      },
      { gathers },
    );
  return { w, write, order };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('SqliteWriter, the gap before a bulk-only group', () => {
  it('gathers the bulk requests that arrive within the gap after a commit into one transaction', async () => {
    const { w, write } = writer({ bulkGapMs: 200 });
    await write('bulk', 'lease1');
    expect(w.counts.groups).toBe(1);
    // Job steps arriving one by one, turns of the event loop apart (each would have committed alone).
    const steps = [write('bulk', 'page1')];
    await turns(3);
    steps.push(write('bulk', 'ack1'));
    await turns(3);
    steps.push(write('bulk', 'lease2'));
    await Promise.all(steps);
    expect(w.counts).toEqual({ groups: 2, requests: 4, failed: 0 });
  });

  it('without a gap, the same steps commit one by one', async () => {
    const { w, write } = writer({});
    await write('bulk', 'lease1');
    const steps = [write('bulk', 'page1')];
    await turns(3);
    steps.push(write('bulk', 'ack1'));
    await turns(3);
    steps.push(write('bulk', 'lease2'));
    await Promise.all(steps);
    expect(w.counts.groups).toBe(4);
  });

  it('starts at once when the writer has been idle, and when bulkGapRequests are queued', async () => {
    // A gap far longer than the test's timeout: a request that waited for it would fail the test.
    const { w, write } = writer({ bulkGapMs: 600_000, bulkGapRequests: 3 });
    await write('bulk', 'first'); // nothing committed before: idle
    await Promise.all([write('bulk', 'a'), write('bulk', 'b'), write('bulk', 'c')]);
    expect(w.counts.groups).toBe(2);
  });

  it('never holds an interactive write for the gap; the bulk request waiting goes after it, in a group of its own', async () => {
    const { w, write, order } = writer({ bulkGapMs: 300 });
    await write('bulk', 'lease');
    let pageDone = false;
    const page = write('bulk', 'page').then(() => {
      pageDone = true;
    });
    await turns(2);
    await write('interactive', 'post');
    expect(pageDone).toBe(false); // the post went ahead while the page waited for its gap
    await page;
    expect(order).toEqual(['lease', 'post', 'page']);
    expect(w.counts.groups).toBe(3);
  });

  it('does not let a stream of interactive groups postpone a waiting bulk request past its gap', async () => {
    const { w, write, order } = writer({ bulkGapMs: 50 });
    await write('bulk', 'lease');
    let pageDone = false;
    const page = write('bulk', 'page').then(() => {
      pageDone = true;
    });
    // Posts keep committing, each restarting "the gap after the previous commit", until the page is written.
    let posts = 0;
    while (!pageDone && posts < 10_000) {
      await write('interactive', `post${posts}`);
      posts += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await page;
    // Written while the posts went on (a starved page would wait for all 10,000 and time the test out).
    expect(posts).toBeLessThan(10_000);
    expect(order.indexOf('page')).toBeGreaterThan(1); // posts went ahead of it meanwhile
    await w.idle();
  });
});

// GroupCommitLimits.gatherMs: in a stream of likes, two share one COMMIT (and the pages each would write alone).
describe('SqliteWriter, gathering reactions', () => {
  it('a gathering write that follows a commit waits for a second one, and the two share one transaction', async () => {
    // A wait far longer than the test's timeout: a write held for the whole of it would fail the test.
    const { w, write, order } = writer({ gatherMs: 600_000, gatherRequests: 2 });
    await write('interactive', 'like0', true); // nothing committed before: idle, so it starts at once
    expect(w.counts.groups).toBe(1);
    let firstDone = false;
    const first = write('interactive', 'like1', true).then(() => {
      firstDone = true;
    });
    await turns(5);
    expect(firstDone).toBe(false); // held for a second like
    await Promise.all([first, write('interactive', 'like2', true)]);
    expect(w.counts).toEqual({ groups: 2, requests: 3, failed: 0 });
    expect(order).toEqual(['like0', 'like1', 'like2']);
    // Both committed: what the writer answered is on the file.
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
  });

  it('holds no write once the last commit is older than the wait, nor with the wait off', async () => {
    const { w, write } = writer({ gatherMs: 200, gatherRequests: 2 });
    await write('interactive', 'like0', true);
    // A stream: the next like follows the commit at once, so it waits (up to 200 ms) and commits with the third.
    await Promise.all([write('interactive', 'like1', true), turns(2).then(() => write('interactive', 'like2', true))]);
    expect(w.counts.groups).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await write('interactive', 'like3', true); // 400 ms after the last commit: not a stream, no wait
    expect(w.counts.groups).toBe(3);
    const off = writer({});
    await off.write('interactive', 'like4', true);
    await off.write('interactive', 'like5', true); // answered without a second like: off by default
    expect(off.w.counts.groups).toBe(2);
  });

  it('never holds a write that does not gather: a post starts the group at once, with the like waiting before it', async () => {
    const { w, write, order } = writer({ gatherMs: 600_000, gatherRequests: 2 });
    await write('interactive', 'like0', true);
    const like = write('interactive', 'like1', true);
    await turns(2);
    await Promise.all([like, write('interactive', 'post')]);
    expect(order).toEqual(['like0', 'like1', 'post']);
    expect(w.counts.groups).toBe(2);
  });
});
