// The embedded writer's CPU per post and per feed row, measured in this process: posts with their outbox jobs and
// their fan-out go through the real SqliteWriter, store, queue and checkpoint thread, without HTTP or a second thread.
// CPU time survives a loaded machine far better than throughput does, so settings can be compared in one sitting.

import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startBackgroundCheckpoints } from '../adapters/sqlite/checkpointer.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../adapters/sqlite/job-queue.js';
import { ReadySignal } from '../adapters/sqlite/jobs-table.js';
import { GROUP_COMMIT } from '../adapters/sqlite/open.js';
import { createSqliteStore } from '../adapters/sqlite/store.js';
import { routeWrites } from '../adapters/sqlite/write-routing.js';
import { SqliteWriter } from '../adapters/sqlite/writer.js';
import { SMALL_CHUNK } from '../jobs/fanout-plan.js';
import { GATHER_JOBS } from '../jobs/worker-pool.js';
import { seededRandom } from '../population/random.js';

export interface WriterCostOptions {
  /** An empty folder to hold the file (removed after). */
  dir: string;
  posts: number;
  /** Distinct authors posting side by side (closed loop), each followed by about `followeesEach` users. */
  authors: number;
  users: number;
  followeesEach: number;
  /** Posts of small audiences per store call (fanout.plan's SMALL_CHUNK unless given). */
  chunk?: number;
  /** Jobs a receive loop takes at once (the worker pool's GATHER_JOBS unless given). */
  gather?: number;
  checkpointEveryMs?: number;
}

export interface WriterCost {
  posts: number;
  rows: number;
  cpuMs: number;
  usPerPost: number;
  usPerRow: number;
  /** Transactions the writer committed. */
  groups: number;
  /** Milliseconds the writer spent in COMMIT (wall time). */
  commitMs: number;
  /** The WAL's size at the end: the pages the commits wrote (the checkpoint thread rarely lets it restart). */
  walMb: number;
}

// As the post service queues them for a post with a link: its fan-out, its search index entry, its card.
const jobsOf = (statusId: string, author: string, at: number) => [
  { name: 'fanout.plan', payload: { statusId, author } },
  { name: 'index.status', payload: { statusId, author } },
  { name: 'card.fetch', payload: { statusId, author, url: 'https://example.com/bench', postedAt: at } },
];

/**
 * Posts `posts` statuses (3 outbox jobs each) from `authors` closed-loop posters while two receive loops take the
 * jobs `gather` at a time, fan the posts out with `deliverSmall` in chunks (as fanout.plan does) and ack them all; the
 * other jobs are acked without running (their cost is not the writer's). Returns the process CPU from the first post
 * until the queue is empty, per post and per feed row.
 */
export async function measureWriterCost(o: WriterCostOptions): Promise<WriterCost> {
  const chunk = o.chunk ?? SMALL_CHUNK;
  const gather = o.gather ?? GATHER_JOBS;
  mkdirSync(o.dir, { recursive: true });
  const file = join(o.dir, 'writer-cost.db');
  const db = openDatabase(file, { automaticCheckpoints: false });
  const random = seededRandom(19);
  const follow = db.prepare('INSERT OR IGNORE INTO followers (followee, follower) VALUES (?, ?)');
  db.transaction(() => {
    for (let u = 0; u < o.users; u++)
      for (let k = 0; k < o.followeesEach; k++) follow.run(`u${Math.floor(random() * o.users)}`, `u${u}`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const clock = { now: () => Date.now() };
  const signal = new ReadySignal();
  const retry = { maxAttempts: 5, backoffBaseMs: 1000, maxBackoffMs: 60_000 };
  let commitS = 0;
  const writer = new SqliteWriter(db, GROUP_COMMIT, {
    waited: () => undefined,
    group: (_kind, _s, commit) => (commitS += commit),
  });
  const { store, queue } = routeWrites(
    createSqliteStore(db, { clock, signal }),
    createSqliteJobQueue(db, { clock, signal, retry }),
    (_t, _m, _a, priority, call) => writer.submit(priority, call),
  );
  const checkpoints = startBackgroundCheckpoints(db, { everyMs: o.checkpointEveryMs ?? 200, onError: () => {} });
  const started = process.cpuUsage();
  let next = 0;
  let rows = 0;
  let posting = true;
  const poster = async (author: string): Promise<void> => {
    for (let n = next++; n < o.posts; n = next++) {
      const at = Date.now();
      const id = `${at.toString(36)}${String(n).padStart(9, '0')}`;
      const status = { id, author, post: 'Writer cost status with a link https://example.com/bench', segments: [] };
      await store.statuses.create(
        { ...status, createdAt: at },
        { idempotencyKey: `k${n}`, audience: o.followeesEach, outbox: jobsOf(id, author, at) },
      );
      // A turn of the event loop now and then, as HTTP requests arriving by message would give.
      if (n % o.authors === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      const jobs = await queue.receive({ max: gather, visibilityMs: 60_000 });
      if (jobs.length === 0) {
        if (!posting) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const plans = jobs.flatMap((j) =>
        j.name === 'fanout.plan' ? [{ statusId: String(j.payload.statusId), author: String(j.payload.author) }] : [],
      );
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < plans.length; i += chunk) {
        const call = store.deliveries.deliverSmall?.(plans.slice(i, i + chunk), { pageSize: 1000, now: Date.now() });
        if (call)
          calls.push(
            call.then((done) => done.forEach((d) => (rows += d.outcome === 'delivered' ? d.owners.length : 0))),
          );
      }
      await Promise.all(calls);
      await queue.ackBatch?.(jobs);
    }
  };
  const workers = [worker(), worker()];
  await Promise.all(Array.from({ length: o.authors }, (_, i) => poster(`u${i}`)));
  posting = false;
  await Promise.all(workers);
  await writer.idle();
  const cpu = process.cpuUsage(started);
  await checkpoints.stop();
  const walMb = statSync(`${file}-wal`).size / 1e6;
  db.close();
  rmSync(o.dir, { recursive: true, force: true });
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    posts: o.posts,
    rows,
    cpuMs: Math.round(cpuMs),
    usPerPost: Math.round((cpuMs * 1000) / Math.max(1, o.posts)),
    usPerRow: Math.round((cpuMs * 10_000) / Math.max(1, rows)) / 10,
    groups: writer.counts.groups,
    commitMs: Math.round(commitS * 1000),
    walMb: Math.round(walMb),
  };
}
