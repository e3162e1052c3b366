import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSegments } from '@tweeter/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { newId } from '../src/domain/ids.js';
import { CardFetchProcessor } from '../src/jobs/card-fetch.js';
import { IndexStatusProcessor } from '../src/jobs/index-status.js';
import { createJobMetrics } from '../src/metrics.js';
import { systemClock } from '../src/ports/clock.js';
import type { Job } from '../src/ports/job-queue.js';
import type { CardRepo, StatusRepo, Store } from '../src/ports/store.js';

// What a fanned-out post's jobs read on SQLite, per receive rather than per job (docs/benchmarks.md, `s17-sustained`):
// the same results as before, from fewer reads of the real SQLite file.

const T0 = Date.now();
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-batch-reads-'));
  store = createSqliteStore(openDatabase(join(dir, 'tweeter.db')), { clock: systemClock, signal: new ReadySignal() });
  await store.users.createMany(
    ['ann', 'bob'].map((alias) => ({
      alias,
      firstName: alias,
      lastName: 'X',
      passwordHash: 'x',
      imageKey: null,
      createdAt: T0,
      followerCount: 0,
      followeeCount: 0,
    })),
  );
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(author: string, text: string, at: number, reply?: { id: string; author: string }) {
  const id = newId(at);
  await store.statuses.create(
    {
      id,
      author,
      post: text,
      segments: parseSegments(text),
      createdAt: at,
      ...(reply ? { inReplyToId: reply.id, inReplyToAuthor: reply.author } : {}),
    },
    { audience: 0 },
  );
  return id;
}

function job(name: string, payload: Record<string, unknown>, n: number): Job {
  return { id: `j${n}`, name, payload, attempts: 1, enqueuedAt: T0, receipt: `r${n}` };
}

/** The real repo, its calls counted by method. */
function counted<T extends object>(repo: T): { repo: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(repo, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { repo: proxy, calls };
}

describe('reads per receive on SQLite', () => {
  it('statuses.replyParents names the author each reply answers, and leaves out plain and missing statuses', async () => {
    const root = await post('ann', 'root', T0);
    const plain = await post('bob', 'plain', T0 + 1);
    const reply = await post('bob', 'a reply', T0 + 2, { id: root, author: 'ann' });
    const own = await post('ann', 'a thread', T0 + 3, { id: root, author: 'ann' });
    const parents = await store.statuses.replyParents?.([root, plain, reply, own, newId(T0 + 4)]);
    expect(parents).toEqual(
      new Map([
        [reply, 'ann'],
        [own, 'ann'],
      ]),
    );
  });

  it("a receive's card jobs whose page is cached fresh read the cache once, and each counts as cached", async () => {
    const url = 'https://example.com/page';
    const key = 'https://example.com/page';
    await store.cards.put({
      key,
      state: 'ok',
      card: { url, title: 'Page', description: '', imageUrl: null, siteName: null },
      fetchedAt: T0 - 60_000,
      freshUntil: T0 + 3_600_000,
    });
    const { repo: cards, calls } = counted<CardRepo>(store.cards);
    const metrics = createJobMetrics();
    const processor = new CardFetchProcessor({
      cards,
      source: {
        card: () => Promise.reject(new Error('a cached page is not fetched')),
      },
      hydrator: {
        byIds: () => Promise.resolve([]),
        replyParents: () => Promise.resolve(new Map()),
        users: () => Promise.resolve(new Map()),
        forgetCard: () => undefined,
      },
      realtime: {} as never,
      clock: systemClock,
      metrics,
    });
    const jobs = [0, 1, 2].map((n) =>
      job('card.fetch', { statusId: newId(T0 + n), author: 'ann', url, postedAt: T0 + n }, n),
    );
    expect(await processor.performBatch(jobs)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(Object.fromEntries(calls)).toEqual({ getMany: 1 });
    const fetches = await metrics.cardFetches.get();
    expect(fetches.values.map((v) => [v.labels.outcome, v.value])).toEqual([['cached', 3]]);
  });

  it("a receive's index.status jobs read their statuses in one getMany, and index those that exist", async () => {
    const ids = [await post('ann', 'one #batch', T0), await post('bob', 'two #batch', T0 + 1)];
    const gone = newId(T0 + 2);
    const { repo: statuses, calls } = counted<StatusRepo>(store.statuses);
    const processor = new IndexStatusProcessor({ statuses, search: store.search, consistentGetMany: true });
    const outcomes = await processor.performBatch(
      [...ids, gone].map((statusId, n) => job('index.status', { statusId, author: 'ann' }, n)),
    );
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(Object.fromEntries(calls)).toEqual({ getMany: 1 });
    const hits = await store.search.search(['batch'], { limit: 10, scan: 100 });
    expect(hits.hits.map((h) => h.statusId).sort()).toEqual([...ids].sort());
  });
});
