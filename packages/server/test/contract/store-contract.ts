import type { TestContext } from 'vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobQueue, JobRequest } from '../../src/ports/job-queue.js';
import type { FeedEntry, StatusRecord, Store, UserRecord } from '../../src/ports/store.js';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../src/domain/idempotency.js';
import { runFeedBoundStoreContract } from './store-contract-feed-bound.js';
import { runHybridStoreContract } from './store-contract-hybrid.js';
import { runSocialStoreContract } from './store-contract-social.js';

/** What an adapter's test hands the contract for each case: a fresh, empty store. */
export interface StoreContractHarness {
  store: Store;
  /** The queue the outbox writes to, read with `receive` when `readyJobs` is not given. */
  queue?: JobQueue;
  /** The jobs ready to run now, oldest first. */
  readyJobs?: () => Promise<{ name: string; payload: Record<string, unknown> }[]>;
  cleanup: () => Promise<void>;
}

export interface StoreContractOptions {
  name: string;
  create: () => Promise<StoreContractHarness>;
  /** Test name → why this adapter skips it. */
  skip?: Partial<Record<string, string>>;
  /**
   * The adapter's batch writes cannot tell a new feed entry from a rewritten one (DynamoDB BatchWriteItem), so
   * `feeds.addMany` and `deliveries.deliverPage` return the entries written rather than the new ones.
   */
  countsRewrites?: boolean;
}

type QueuedJob = { name: string; payload: Record<string, unknown> };

const T0 = 1_700_000_000_000;

function user(alias: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    alias,
    firstName: alias.toUpperCase(),
    lastName: 'Tester',
    passwordHash: `hash-of-${alias}`,
    imageKey: null,
    createdAt: T0,
    followerCount: 0,
    followeeCount: 0,
    ...overrides,
  };
}

/** Status ids sort by their number, as ULIDs sort by time. */
function sid(n: number): string {
  return `01S${String(n).padStart(8, '0')}`;
}

function status(n: number, author: string, post = `post ${n}`): StatusRecord {
  return {
    id: sid(n),
    author,
    post,
    segments: [{ type: 'text', text: post, start: 0, end: post.length }],
    createdAt: T0 + n,
  };
}

function entries(statusId: string, author: string, owners: readonly string[]): FeedEntry[] {
  return owners.map((owner) => ({ owner, statusId, author }));
}

function aliases(count: number, prefix = 'f'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

function job(name: string, payload: Record<string, unknown> = {}): JobRequest {
  return { name, payload };
}

function sortJobs(jobs: readonly QueuedJob[]): QueuedJob[] {
  return [...jobs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The Store contract: every adapter's test calls this with a factory for a fresh store. */
export function runStoreContract(options: StoreContractOptions): void {
  const skip = options.skip ?? {};
  const defined = new Set<string>();
  let harness: StoreContractHarness;
  let store: Store;
  let received: Job[] = [];

  function test(title: string, fn: (ctx: TestContext) => Promise<void>): void {
    if (defined.has(title)) throw new Error(`store contract: duplicate test name "${title}"`);
    defined.add(title);
    const reason = skip[title];
    if (reason === undefined) it(title, fn);
    else if (reason.trim() === '') throw new Error(`store contract: skipping "${title}" needs a reason`);
    else it.skip(`${title} (skipped: ${reason})`, fn);
  }

  async function queuedJobs(ctx: TestContext): Promise<QueuedJob[]> {
    if (harness.readyJobs) return harness.readyJobs();
    if (!harness.queue) return ctx.skip('the adapter gives neither readyJobs nor queue: the outbox is not observable');
    // receive() hides what it returns, so keep every job seen during this test.
    for (;;) {
      const batch = await harness.queue.receive({ max: 10, visibilityMs: 60_000 });
      if (batch.length === 0) break;
      received.push(...batch);
    }
    return received.map((j) => ({ name: j.name, payload: j.payload }));
  }

  async function expectJobs(ctx: TestContext, expected: readonly JobRequest[]): Promise<void> {
    const actual = sortJobs(await queuedJobs(ctx));
    expect(actual).toEqual(sortJobs(expected.map((j) => ({ name: j.name, payload: j.payload }))));
  }

  async function createUsers(...names: string[]): Promise<void> {
    expect(await store.users.createMany(names.map((n) => user(n)))).toBe(names.length);
  }

  async function counts(alias: string): Promise<[number, number]> {
    const u = await store.users.get(alias);
    if (!u) throw new Error(`no user ${alias}`);
    return [u.followerCount, u.followeeCount];
  }

  /** Every follower of `alias`, walking pages of `limit`, checking that only the last page has next = null. */
  async function walk(list: 'followers' | 'followees', alias: string, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.follows[list](alias, { after, limit });
      pages.push(page.items);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.next === null) return pages;
      expect(page.items.length).toBe(limit);
      expect(page.next).toBe(page.items.at(-1));
      after = page.next;
      if (pages.length > 1000) throw new Error('pagination does not end');
    }
  }

  describe(`Store contract: ${options.name}`, () => {
    beforeEach(async () => {
      received = [];
      harness = await options.create();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('every skipped case names an existing test and gives a reason', () => {
      for (const [title, reason] of Object.entries(skip)) {
        expect(defined.has(title), `skip names an unknown test: "${title}"`).toBe(true);
        expect(reason?.trim(), `skip of "${title}" needs a reason`).toBeTruthy();
      }
    });

    describe('users', () => {
      test('create then get returns the same record', async () => {
        const ann = user('ann', { imageKey: 'img/ann.png', createdAt: T0 + 5 });
        expect(await store.users.create(ann)).toBe(true);
        expect(await store.users.get('ann')).toEqual(ann);
      });

      test('create with a taken alias returns false and keeps the first user', async () => {
        expect(await store.users.create(user('ann'))).toBe(true);
        expect(await store.users.create(user('ann', { firstName: 'Other' }))).toBe(false);
        expect((await store.users.get('ann'))?.firstName).toBe('ANN');
      });

      test('get of an unknown alias returns null', async () => {
        expect(await store.users.get('nobody')).toBeNull();
      });

      test('getMany returns the users found, keyed by alias', async () => {
        await createUsers('ann', 'bob', 'cat');
        const found = await store.users.getMany(['cat', 'ann', 'nobody', 'ann']);
        expect([...found.keys()].sort()).toEqual(['ann', 'cat']);
        expect(found.get('cat')).toEqual(user('cat'));
        expect((await store.users.getMany([])).size).toBe(0);
      });

      test('setImage sets and clears the image key', async () => {
        await createUsers('ann');
        await store.users.setImage('ann', 'images/ann-1.webp');
        expect((await store.users.get('ann'))?.imageKey).toBe('images/ann-1.webp');
        await store.users.setImage('ann', null);
        expect((await store.users.get('ann'))?.imageKey).toBeNull();
      });

      test('createMany inserts new users only and returns how many were new', async () => {
        await store.users.create(user('bob', { firstName: 'First' }));
        expect(await store.users.createMany([user('ann'), user('bob'), user('cat')])).toBe(2);
        expect(await store.users.createMany([user('ann'), user('cat')])).toBe(0);
        expect(await store.users.createMany([])).toBe(0);
        expect((await store.users.get('bob'))?.firstName).toBe('First');
        expect((await store.users.getMany(['ann', 'bob', 'cat'])).size).toBe(3);
      });
    });

    describe('sessions', () => {
      test('create, get and delete a session', async () => {
        const session = { tokenHash: 'h1', alias: 'ann', createdAt: T0, expiresAt: T0 + 1000 };
        await store.sessions.create(session);
        expect(await store.sessions.get('h1')).toEqual(session);
        await store.sessions.delete('h1');
        expect(await store.sessions.get('h1')).toBeNull();
      });

      test('get and delete of an unknown token', async () => {
        expect(await store.sessions.get('missing')).toBeNull();
        await expect(store.sessions.delete('missing')).resolves.toBeUndefined();
      });

      test('deleteExpired removes only expired sessions and returns how many', async () => {
        await store.sessions.create({ tokenHash: 'old1', alias: 'ann', createdAt: T0, expiresAt: T0 + 10 });
        await store.sessions.create({ tokenHash: 'old2', alias: 'bob', createdAt: T0, expiresAt: T0 + 20 });
        await store.sessions.create({ tokenHash: 'live', alias: 'ann', createdAt: T0, expiresAt: T0 + 10_000 });
        expect(await store.sessions.deleteExpired(T0 + 100, 1)).toBe(1);
        expect(await store.sessions.deleteExpired(T0 + 100, 10)).toBe(1);
        expect(await store.sessions.deleteExpired(T0 + 100, 10)).toBe(0);
        expect(await store.sessions.get('old1')).toBeNull();
        expect(await store.sessions.get('live')).not.toBeNull();
      });
    });

    describe('follows', () => {
      test('add writes the edge both ways and bumps both counts', async () => {
        await createUsers('ann', 'bob');
        expect(await store.follows.add('ann', 'bob', { createdAt: T0 })).toBe(true);
        expect(await store.follows.exists('ann', 'bob')).toBe(true);
        expect(await store.follows.exists('bob', 'ann')).toBe(false);
        expect(await store.follows.followers('bob', { limit: 10 })).toEqual({ items: ['ann'], next: null });
        expect(await store.follows.followees('ann', { limit: 10 })).toEqual({ items: ['bob'], next: null });
        expect(await counts('ann')).toEqual([0, 1]);
        expect(await counts('bob')).toEqual([1, 0]);
      });

      test('add of an existing edge returns false and changes no count', async () => {
        await createUsers('ann', 'bob');
        await store.follows.add('ann', 'bob', { createdAt: T0 });
        expect(await store.follows.add('ann', 'bob', { createdAt: T0 + 1 })).toBe(false);
        expect(await counts('ann')).toEqual([0, 1]);
        expect(await counts('bob')).toEqual([1, 0]);
      });

      test('remove deletes the edge and both counts; a second remove returns false', async () => {
        await createUsers('ann', 'bob');
        await store.follows.add('ann', 'bob', { createdAt: T0 });
        await store.follows.add('bob', 'ann', { createdAt: T0 });
        expect(await store.follows.remove('ann', 'bob')).toBe(true);
        expect(await store.follows.remove('ann', 'bob')).toBe(false);
        expect(await store.follows.exists('ann', 'bob')).toBe(false);
        expect(await store.follows.followers('bob', { limit: 10 })).toEqual({ items: [], next: null });
        expect(await counts('ann')).toEqual([1, 0]);
        expect(await counts('bob')).toEqual([0, 1]);
      });

      test('counts stay exact over repeated adds and removes', async () => {
        await createUsers('ann', 'bob', 'cat');
        for (let round = 0; round < 3; round++) {
          await store.follows.add('ann', 'cat', { createdAt: T0 });
          await store.follows.add('bob', 'cat', { createdAt: T0 });
          await store.follows.add('bob', 'cat', { createdAt: T0 });
          await store.follows.remove('ann', 'cat');
          await store.follows.remove('ann', 'cat');
        }
        expect(await counts('cat')).toEqual([1, 0]);
        expect(await counts('ann')).toEqual([0, 0]);
        expect(await counts('bob')).toEqual([0, 1]);
      });

      test('followers of someone nobody follows is an empty last page', async () => {
        await createUsers('ann');
        expect(await store.follows.followers('ann', { limit: 5 })).toEqual({ items: [], next: null });
        expect(await store.follows.followees('ann', { limit: 5 })).toEqual({ items: [], next: null });
        expect(await store.follows.followers('nobody', { limit: 5 })).toEqual({ items: [], next: null });
      });

      test('exactly one full page has next = null', async () => {
        await store.follows.addMany(
          aliases(5).map((f) => ({ follower: f, followee: 'star' })),
          T0,
        );
        expect(await store.follows.followers('star', { limit: 5 })).toEqual({ items: aliases(5), next: null });
        expect(await store.follows.followers('star', { limit: 6 })).toEqual({ items: aliases(5), next: null });
      });

      test('one more than the limit gives a next key and a last page of one', async () => {
        await store.follows.addMany(
          aliases(6).map((f) => ({ follower: f, followee: 'star' })),
          T0,
        );
        const first = await store.follows.followers('star', { limit: 5 });
        expect(first).toEqual({ items: aliases(5), next: 'f004' });
        expect(await store.follows.followers('star', { after: 'f004', limit: 5 })).toEqual({
          items: ['f005'],
          next: null,
        });
      });

      test('followers over 3+ pages come ascending with no repeats or gaps', async () => {
        const all = aliases(23);
        await store.follows.addMany(
          [...all].reverse().map((f) => ({ follower: f, followee: 'star' })),
          T0,
        );
        await store.follows.add('zed', 'other', { createdAt: T0 });
        const pages = await walk('followers', 'star', 5);
        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat()).toEqual(all);
      });

      test('followees over 3+ pages come ascending with no repeats or gaps', async () => {
        const all = aliases(12, 'e');
        await store.follows.addMany(
          all.map((f) => ({ follower: 'fan', followee: f })),
          T0,
        );
        await store.follows.add('other', 'e000', { createdAt: T0 });
        const pages = await walk('followees', 'fan', 4);
        expect(pages.map((p) => p.length)).toEqual([4, 4, 4]);
        expect(pages.flat()).toEqual(all);
      });

      test('after a key that is not in the list starts just past it', async () => {
        await store.follows.addMany(
          ['amy', 'cid', 'eve'].map((f) => ({ follower: f, followee: 'star' })),
          T0,
        );
        expect(await store.follows.followers('star', { after: 'bob', limit: 10 })).toEqual({
          items: ['cid', 'eve'],
          next: null,
        });
        expect(await store.follows.followers('star', { after: 'zzz', limit: 10 })).toEqual({ items: [], next: null });
      });

      test('addMany skips existing and repeated edges and keeps counts exact', async () => {
        await createUsers('ann', 'bob', 'cat');
        await store.follows.add('ann', 'bob', { createdAt: T0 });
        const edges = [
          { follower: 'ann', followee: 'bob' },
          { follower: 'ann', followee: 'cat' },
          { follower: 'bob', followee: 'cat' },
          { follower: 'bob', followee: 'cat' },
          { follower: 'cat', followee: 'ann' },
        ];
        expect(await store.follows.addMany(edges, T0)).toBe(3);
        expect(await store.follows.addMany(edges, T0)).toBe(0);
        expect(await store.follows.addMany([], T0)).toBe(0);
        expect(await counts('ann')).toEqual([1, 2]);
        expect(await counts('bob')).toEqual([1, 1]);
        expect(await counts('cat')).toEqual([2, 1]);
        expect((await store.follows.followers('cat', { limit: 10 })).items).toEqual(['ann', 'bob']);
        expect((await store.follows.followees('ann', { limit: 10 })).items).toEqual(['bob', 'cat']);
      });

      test('recount sets both counts from the edges', async () => {
        await store.users.createMany([user('ann', { followerCount: 7, followeeCount: 9 }), user('bob'), user('cat')]);
        await store.follows.addMany(
          [
            { follower: 'bob', followee: 'ann' },
            { follower: 'cat', followee: 'ann' },
            { follower: 'ann', followee: 'cat' },
          ],
          T0,
        );
        expect(await store.follows.recount('ann')).toEqual({ followers: 2, followees: 1 });
        expect(await counts('ann')).toEqual([2, 1]);
        expect(await store.follows.recount('nobody')).toEqual({ followers: 0, followees: 0 });
      });

      test('add with an outbox enqueues its jobs; a refused add enqueues none', async (ctx) => {
        await createUsers('ann', 'bob');
        const backfill = job('follow.backfill', { follower: 'ann', followee: 'bob' });
        await store.follows.add('ann', 'bob', { createdAt: T0, outbox: [backfill] });
        await expectJobs(ctx, [backfill]);
        expect(await store.follows.add('ann', 'bob', { createdAt: T0, outbox: [backfill] })).toBe(false);
        await expectJobs(ctx, [backfill]);
      });

      test('remove with an outbox enqueues its jobs; removing a non-edge enqueues none', async (ctx) => {
        await createUsers('ann', 'bob');
        await store.follows.add('ann', 'bob', { createdAt: T0 });
        const purge = job('unfollow.purge', { follower: 'ann', followee: 'bob' });
        expect(await store.follows.remove('ann', 'bob', { outbox: [purge] })).toBe(true);
        expect(await store.follows.remove('ann', 'bob', { outbox: [purge] })).toBe(false);
        expect(await store.follows.remove('bob', 'ann', { outbox: [purge] })).toBe(false);
        await expectJobs(ctx, [purge]);
      });
    });

    describe('statuses', () => {
      test('create then get round-trips the record, segments included', async () => {
        const s: StatusRecord = {
          id: sid(1),
          author: 'ann',
          post: 'hi @bob see https://x.io',
          segments: [
            { type: 'text', text: 'hi ', start: 0, end: 3 },
            { type: 'mention', text: '@bob', start: 3, end: 7, alias: 'bob' },
            { type: 'text', text: ' see ', start: 7, end: 12 },
            { type: 'url', text: 'https://x.io', start: 12, end: 24 },
          ],
          createdAt: T0,
        };
        expect(await store.statuses.create(s, { audience: 0 })).toEqual({ status: s, created: true });
        expect(await store.statuses.get(s.id)).toEqual(s);
        expect(await store.statuses.get(sid(2))).toBeNull();
      });

      test('create writes a queued delivery record with the given audience', async () => {
        await store.statuses.create(status(1, 'ann'), { audience: 42 });
        expect(await store.deliveries.get(sid(1))).toEqual({
          statusId: sid(1),
          author: 'ann',
          state: 'queued',
          audience: 42,
          delivered: 0,
          planned: 0,
          cursor: null,
          planDone: false,
          createdAt: T0 + 1,
          finishedAt: null,
        });
      });

      test('create with an outbox enqueues its jobs', async (ctx) => {
        const plan = job('fanout.plan', { statusId: sid(1), author: 'ann' });
        await store.statuses.create(status(1, 'ann'), { audience: 0, outbox: [plan, job('other', { n: 1 })] });
        await expectJobs(ctx, [plan, job('other', { n: 1 })]);
      });

      test('a reused idempotency key returns the first status and writes nothing, outbox included', async (ctx) => {
        const first = status(1, 'ann', 'first');
        const plan1 = job('fanout.plan', { statusId: sid(1), author: 'ann' });
        expect(await store.statuses.create(first, { idempotencyKey: 'k1', audience: 3, outbox: [plan1] })).toEqual({
          status: first,
          created: true,
        });
        const again = await store.statuses.create(status(2, 'ann', 'second'), {
          idempotencyKey: 'k1',
          audience: 9,
          outbox: [job('fanout.plan', { statusId: sid(2), author: 'ann' })],
        });
        expect(again).toEqual({ status: first, created: false });
        expect(await store.statuses.get(sid(2))).toBeNull();
        expect(await store.deliveries.get(sid(2))).toBeNull();
        expect((await store.deliveries.get(sid(1)))?.audience).toBe(3);
        expect(await store.statuses.byAuthor('ann', { limit: 10 })).toEqual([first]);
        await expectJobs(ctx, [plan1]);
      });

      test('idempotency keys belong to one author; creates without a key never collide', async () => {
        expect((await store.statuses.create(status(1, 'ann'), { idempotencyKey: 'k', audience: 0 })).created).toBe(
          true,
        );
        expect((await store.statuses.create(status(2, 'bob'), { idempotencyKey: 'k', audience: 0 })).created).toBe(
          true,
        );
        expect((await store.statuses.create(status(3, 'ann'), { audience: 0 })).created).toBe(true);
        expect((await store.statuses.create(status(4, 'ann'), { audience: 0 })).created).toBe(true);
        expect((await store.statuses.getMany([sid(1), sid(2), sid(3), sid(4)])).size).toBe(4);
      });

      test('getMany returns the statuses found, keyed by id', async () => {
        await store.statuses.create(status(1, 'ann'), { audience: 0 });
        await store.statuses.create(status(2, 'bob'), { audience: 0 });
        const found = await store.statuses.getMany([sid(2), sid(9), sid(1), sid(2)]);
        expect([...found.keys()].sort()).toEqual([sid(1), sid(2)]);
        expect(found.get(sid(2))).toEqual(status(2, 'bob'));
        expect((await store.statuses.getMany([])).size).toBe(0);
      });

      test('byAuthor lists newest first and pages with an exclusive before', async () => {
        for (const n of [3, 1, 5, 2, 4]) await store.statuses.create(status(n, 'ann'), { audience: 0 });
        await store.statuses.create(status(6, 'bob'), { audience: 0 });
        const ids = async (range: { before?: string; limit: number }): Promise<string[]> =>
          (await store.statuses.byAuthor('ann', range)).map((s) => s.id);
        expect(await ids({ limit: 10 })).toEqual([sid(5), sid(4), sid(3), sid(2), sid(1)]);
        expect(await ids({ limit: 2 })).toEqual([sid(5), sid(4)]);
        expect(await ids({ before: sid(4), limit: 2 })).toEqual([sid(3), sid(2)]);
        expect(await ids({ before: sid(2), limit: 2 })).toEqual([sid(1)]);
        expect(await ids({ before: sid(1), limit: 2 })).toEqual([]);
        expect(await store.statuses.byAuthor('nobody', { limit: 2 })).toEqual([]);
      });

      test('delete removes the status and its delivery record; a second delete returns false', async () => {
        await store.statuses.create(status(1, 'ann'), { audience: 0 });
        await store.statuses.create(status(2, 'ann'), { audience: 0 });
        expect(await store.statuses.delete(sid(1))).toBe(true);
        expect(await store.statuses.get(sid(1))).toBeNull();
        expect(await store.deliveries.get(sid(1))).toBeNull();
        expect((await store.statuses.getMany([sid(1), sid(2)])).size).toBe(1);
        expect((await store.statuses.byAuthor('ann', { limit: 10 })).map((s) => s.id)).toEqual([sid(2)]);
        expect(await store.statuses.delete(sid(1))).toBe(false);
      });

      test('a deleted status no longer answers to its idempotency key', async () => {
        await store.statuses.create(status(1, 'ann'), { idempotencyKey: 'k', audience: 0 });
        await store.statuses.delete(sid(1));
        expect(await store.statuses.create(status(2, 'ann'), { idempotencyKey: 'k', audience: 0 })).toEqual({
          status: status(2, 'ann'),
          created: true,
        });
      });

      test('an idempotency key older than its lifetime counts as unused', async () => {
        await store.statuses.create(status(1, 'ann'), { idempotencyKey: 'k', audience: 0 });
        const later = { ...status(2, 'ann'), createdAt: T0 + 1 + IDEMPOTENCY_KEY_TTL_MS };
        expect(await store.statuses.create(later, { idempotencyKey: 'k', audience: 0 })).toEqual({
          status: later,
          created: true,
        });
        const again = { ...status(3, 'ann'), createdAt: later.createdAt + 1 };
        expect((await store.statuses.create(again, { idempotencyKey: 'k', audience: 0 })).status).toEqual(later);
      });

      test('deleteExpiredKeys removes at most limit keys, oldest first, and never a status', async () => {
        for (const n of [1, 2, 3]) {
          await store.statuses.create(status(n, 'ann'), { idempotencyKey: `k${n}`, audience: 0 });
        }
        expect(await store.statuses.deleteExpiredKeys(T0 + 2, 1)).toBe(1);
        expect(await store.statuses.deleteExpiredKeys(T0 + 2, 10)).toBe(1);
        expect(await store.statuses.deleteExpiredKeys(T0 + 2, 10)).toBe(0);
        expect((await store.statuses.getMany([sid(1), sid(2), sid(3)])).size).toBe(3);
        expect((await store.statuses.create(status(4, 'ann'), { idempotencyKey: 'k1', audience: 0 })).created).toBe(
          true,
        );
        expect((await store.statuses.create(status(5, 'ann'), { idempotencyKey: 'k3', audience: 0 })).created).toBe(
          false,
        );
      });

      test('delete with an outbox enqueues its jobs; deleting a missing status enqueues none', async (ctx) => {
        await store.statuses.create(status(1, 'ann'), { audience: 0 });
        const retract = job('status.retract', { statusId: sid(1), author: 'ann' });
        expect(await store.statuses.delete(sid(1), { outbox: [retract] })).toBe(true);
        expect(await store.statuses.delete(sid(1), { outbox: [retract] })).toBe(false);
        await expectJobs(ctx, [retract]);
      });
    });

    describe('feeds', () => {
      test('addMany returns how many entries were new and is idempotent', async () => {
        const batch = [...entries(sid(1), 'ann', ['bob', 'cat']), ...entries(sid(2), 'ann', ['bob'])];
        const rewrites = options.countsRewrites === true;
        expect(await store.feeds.addMany(batch)).toBe(3);
        expect(await store.feeds.addMany(batch)).toBe(rewrites ? 3 : 0);
        expect(await store.feeds.addMany([...entries(sid(3), 'dan', ['bob']), ...batch])).toBe(rewrites ? 4 : 1);
        expect(await store.feeds.addMany([])).toBe(0);
        expect((await store.feeds.page('bob', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(3), sid(2), sid(1)]);
      });

      test('page lists one owner newest first, with an exclusive before', async () => {
        for (const n of [2, 5, 1, 4, 3]) await store.feeds.addMany(entries(sid(n), n % 2 ? 'ann' : 'dan', ['bob']));
        await store.feeds.addMany(entries(sid(6), 'ann', ['cat']));
        expect(await store.feeds.page('bob', { limit: 2 })).toEqual([
          { owner: 'bob', statusId: sid(5), author: 'ann' },
          { owner: 'bob', statusId: sid(4), author: 'dan' },
        ]);
        const ids = async (before: string | undefined): Promise<string[]> =>
          (await store.feeds.page('bob', { before, limit: 2 })).map((e) => e.statusId);
        expect(await ids(sid(4))).toEqual([sid(3), sid(2)]);
        expect(await ids(sid(2))).toEqual([sid(1)]);
        expect(await ids(sid(1))).toEqual([]);
        expect(await store.feeds.page('nobody', { limit: 2 })).toEqual([]);
      });

      test('removeByAuthor removes only that author from that owner', async () => {
        await store.feeds.addMany([
          ...entries(sid(1), 'ann', ['bob', 'cat']),
          ...entries(sid(2), 'ann', ['bob']),
          ...entries(sid(3), 'dan', ['bob']),
        ]);
        expect(await store.feeds.removeByAuthor('bob', 'ann')).toBe(2);
        expect(await store.feeds.removeByAuthor('bob', 'ann')).toBe(0);
        expect((await store.feeds.page('bob', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(3)]);
        expect((await store.feeds.page('cat', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(1)]);
      });

      test('removeStatus removes one status from the given owners only', async () => {
        await store.feeds.addMany([
          ...entries(sid(1), 'ann', ['bob', 'cat', 'dan']),
          ...entries(sid(2), 'ann', ['bob']),
        ]);
        expect(await store.feeds.removeStatus(sid(1), ['bob', 'cat', 'nobody'])).toBe(2);
        expect(await store.feeds.removeStatus(sid(1), ['bob'])).toBe(0);
        expect(await store.feeds.removeStatus(sid(1), [])).toBe(0);
        expect((await store.feeds.page('bob', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(2)]);
        expect(await store.feeds.page('cat', { limit: 10 })).toEqual([]);
        expect((await store.feeds.page('dan', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(1)]);
      });
    });

    describe('deliveries', () => {
      const id = sid(1);
      const ann = { statusId: id, author: 'ann' };

      /** `names` follow ann. */
      async function fans(...names: string[]): Promise<void> {
        await store.follows.addMany(
          names.map((follower) => ({ follower, followee: 'ann' })),
          T0,
        );
      }

      async function feedOf(owner: string): Promise<string[]> {
        return (await store.feeds.page(owner, { limit: 5 })).map((e) => e.statusId);
      }

      test('get of an unknown status returns null', async () => {
        expect(await store.deliveries.get(id)).toBeNull();
      });

      test('goes queued → running → done as pages are planned and delivered', async () => {
        await fans('amy', 'bob', 'cat');
        await store.statuses.create(status(1, 'ann'), { audience: 3 });
        expect((await store.deliveries.get(id))?.state).toBe('queued');
        expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false })).toBe(true);
        expect(await store.deliveries.get(id)).toMatchObject({ state: 'running', planned: 2, cursor: 'bob' });
        const first = { now: T0 + 10, page: { key: 'bob', count: 2 } };
        expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], first)).toBe(2);
        expect(await store.deliveries.get(id)).toMatchObject({ state: 'running', delivered: 2, planDone: false });
        expect(await store.deliveries.recordPlanned(id, { from: 'bob', to: 'cat', count: 1, last: true })).toBe(true);
        expect(await store.deliveries.get(id)).toMatchObject({
          state: 'running',
          planned: 3,
          audience: 3,
          planDone: true,
        });
        expect(await store.deliveries.deliverPage(ann, ['cat'], { now: T0 + 20, page: { key: 'cat', count: 1 } })).toBe(
          1,
        );
        expect(await store.deliveries.get(id)).toMatchObject({
          state: 'done',
          audience: 3,
          delivered: 3,
          planned: 3,
          cursor: 'cat',
          planDone: true,
          finishedAt: T0 + 20,
        });
        expect(await feedOf('amy')).toEqual([id]);
      });

      test('recordPlanned refuses a replayed step and any step after planning is done', async () => {
        await store.statuses.create(status(1, 'ann'), { audience: 4 });
        expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false })).toBe(true);
        expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false })).toBe(false);
        expect(await store.deliveries.recordPlanned(id, { from: 'amy', to: 'cat', count: 2, last: false })).toBe(false);
        expect(await store.deliveries.recordPlanned(id, { from: 'bob', to: 'dan', count: 2, last: true })).toBe(true);
        expect(await store.deliveries.recordPlanned(id, { from: 'bob', to: 'dan', count: 2, last: true })).toBe(false);
        expect(await store.deliveries.recordPlanned(id, { from: 'dan', to: 'eve', count: 1, last: true })).toBe(false);
        expect(await store.deliveries.get(id)).toMatchObject({ planned: 4, cursor: 'dan', planDone: true });
      });

      test('recordPlanned on a missing record returns false', async () => {
        expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 1, last: true })).toBe(false);
        expect(await store.deliveries.get(id)).toBeNull();
      });

      test('the last planned step sets the audience to the planned total', async () => {
        await store.statuses.create(status(1, 'ann'), { audience: 5 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false });
        expect((await store.deliveries.get(id))?.audience).toBe(5);
        await store.deliveries.recordPlanned(id, { from: 'bob', to: 'cid', count: 1, last: true });
        expect(await store.deliveries.get(id)).toMatchObject({ audience: 3, planned: 3, state: 'running' });
      });

      test('with no followers one empty last step goes straight to done', async () => {
        await store.statuses.create(status(1, 'ann'), { audience: 0 });
        expect(await store.deliveries.recordPlanned(id, { from: null, to: null, count: 0, last: true })).toBe(true);
        const d = await store.deliveries.get(id);
        expect(d).toMatchObject({ state: 'done', audience: 0, delivered: 0, planned: 0, planDone: true });
        expect(d?.finishedAt).toEqual(expect.any(Number));
      });

      test('done once planning ends if every page was already delivered', async () => {
        await fans('amy', 'bob');
        await store.statuses.create(status(1, 'ann'), { audience: 9 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false });
        await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 + 10, page: { key: 'bob', count: 2 } });
        expect((await store.deliveries.get(id))?.state).toBe('running');
        await store.deliveries.recordPlanned(id, { from: 'bob', to: 'bob', count: 0, last: true });
        const d = await store.deliveries.get(id);
        expect(d).toMatchObject({ state: 'done', audience: 2, delivered: 2 });
        expect(d?.finishedAt).toEqual(expect.any(Number));
      });

      test('a replayed deliverPage writes and counts nothing twice', async () => {
        await fans('amy', 'bob');
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
        const page = { key: 'bob', count: 2 };
        expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 + 10, page })).toBe(2);
        const again = await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 + 30, page });
        expect(again).toBe(options.countsRewrites ? 2 : 0);
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 2, state: 'done', finishedAt: T0 + 10 });
        expect(await feedOf('amy')).toEqual([id]);
      });

      test('batches without a page key write entries but count nothing', async () => {
        await fans('amy', 'bob', 'cat');
        await store.statuses.create(status(1, 'ann'), { audience: 3 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'cat', count: 3, last: true });
        expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 })).toBe(2);
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 0, state: 'running' });
        await store.deliveries.deliverPage(ann, ['cat'], { now: T0 + 5, page: { key: 'cat', count: 3 } });
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 3, state: 'done', finishedAt: T0 + 5 });
      });

      test('a new page counts its planned followers even when some feed entries already existed', async () => {
        await fans('amy', 'bob');
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        await store.feeds.addMany(entries(id, 'ann', ['amy']));
        const written = await store.deliveries.deliverPage(ann, ['amy', 'bob'], {
          now: T0,
          page: { key: 'p1', count: 2 },
        });
        expect(written).toBe(options.countsRewrites ? 2 : 1);
        expect((await store.deliveries.get(id))?.delivered).toBe(2);
      });

      test('deliverPage writes only to owners who follow the author, and still counts the page', async () => {
        await fans('amy', 'cat');
        await store.follows.add('bob', 'dan', { createdAt: T0 });
        await store.statuses.create(status(1, 'ann'), { audience: 3 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'cat', count: 3, last: true });
        const page = { key: 'cat', count: 3 };
        expect(await store.deliveries.deliverPage(ann, ['amy', 'bob', 'cat'], { now: T0, page })).toBe(2);
        expect(await feedOf('amy')).toEqual([id]);
        expect(await feedOf('bob')).toEqual([]);
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 3, state: 'done' });
      });

      test('an unfollow between planning and delivery keeps the status out of that feed', async () => {
        await fans('amy', 'bob');
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
        await store.follows.remove('bob', 'ann');
        await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0, page: { key: 'bob', count: 2 } });
        expect(await feedOf('amy')).toEqual([id]);
        expect(await feedOf('bob')).toEqual([]);
      });

      test('deliverPage after the status was deleted writes nothing', async () => {
        await fans('amy', 'bob');
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
        await store.statuses.delete(id);
        expect(
          await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0, page: { key: 'bob', count: 2 } }),
        ).toBe(0);
        expect(await feedOf('amy')).toEqual([]);
        expect(await store.deliveries.get(id)).toBeNull();
      });

      test('deliverRange reads the follower range in batches and counts the page with the batch that ends it', async () => {
        await fans('amy', 'bob', 'cat', 'dan', 'eve');
        await store.statuses.create(status(1, 'ann'), { audience: 4 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'dan', count: 4, last: true });
        const page = { key: 'dan', count: 4 };
        const first = await store.deliveries.deliverRange(ann, { after: null, to: 'dan', limit: 2 }, { now: T0, page });
        expect(first).toEqual({ added: 2, owners: ['amy', 'bob'], next: 'bob' });
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 0, state: 'running' });
        const rest = await store.deliveries.deliverRange(
          ann,
          { after: 'bob', to: 'dan', limit: 2 },
          { now: T0 + 5, page },
        );
        expect(rest).toEqual({ added: 2, owners: ['cat', 'dan'], next: null });
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 4, state: 'done', finishedAt: T0 + 5 });
        expect(await feedOf('dan')).toEqual([id]);
        expect(await feedOf('eve')).toEqual([]); // beyond the range
      });

      test('deliverRange skips whoever unfollowed since planning and still counts the planned followers', async () => {
        await fans('amy', 'bob', 'cat');
        await store.statuses.create(status(1, 'ann'), { audience: 3 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'cat', count: 3, last: true });
        await store.follows.remove('bob', 'ann');
        const page = { key: 'cat', count: 3 };
        const done = await store.deliveries.deliverRange(ann, { after: null, to: 'cat', limit: 10 }, { now: T0, page });
        expect(done).toEqual({ added: 2, owners: ['amy', 'cat'], next: null });
        expect(await feedOf('bob')).toEqual([]);
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 3, state: 'done' });
      });

      test('a replayed deliverRange writes and counts nothing twice', async () => {
        await fans('amy', 'bob', 'cat');
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
        const page = { key: 'bob', count: 2 };
        const range = { after: null, to: 'bob', limit: 2 };
        // Exactly `limit` followers up to `to`, and one beyond: the range is done all the same.
        expect(await store.deliveries.deliverRange(ann, range, { now: T0 + 10, page })).toMatchObject({
          added: 2,
          next: null,
        });
        const again = await store.deliveries.deliverRange(ann, range, { now: T0 + 30, page });
        expect(again).toMatchObject({ added: options.countsRewrites ? 2 : 0, next: null });
        expect(await store.deliveries.get(id)).toMatchObject({ delivered: 2, state: 'done', finishedAt: T0 + 10 });
        expect(await feedOf('amy')).toEqual([id]);
        expect(await feedOf('cat')).toEqual([]);
      });

      test('deliverRange after the status was deleted writes nothing and ends the range', async () => {
        await fans('amy', 'bob');
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
        await store.statuses.delete(id);
        const page = { key: 'bob', count: 2 };
        expect(
          await store.deliveries.deliverRange(ann, { after: null, to: 'bob', limit: 1 }, { now: T0, page }),
        ).toEqual({ added: 0, owners: [], next: null });
        expect(await feedOf('amy')).toEqual([]);
        expect(await store.deliveries.get(id)).toBeNull();
      });

      test('recordPlanned enqueues its jobs only when applied', async (ctx) => {
        await store.statuses.create(status(1, 'ann'), { audience: 2 });
        const deliver = job('fanout.deliver', { statusId: id, author: 'ann', after: null, to: 'bob', count: 2 });
        const step = { from: null, to: 'bob', count: 2, last: true };
        expect(await store.deliveries.recordPlanned(id, step, { outbox: [deliver] })).toBe(true);
        expect(await store.deliveries.recordPlanned(id, step, { outbox: [deliver] })).toBe(false);
        expect(await store.deliveries.recordPlanned(sid(9), step, { outbox: [deliver] })).toBe(false);
        await expectJobs(ctx, [deliver]);
      });
    });

    describe('outbox', () => {
      test('resendPending finds nothing when every write sent its jobs', async (ctx) => {
        await createUsers('ann', 'bob');
        const backfill = job('follow.backfill', { follower: 'ann', followee: 'bob' });
        await store.follows.add('ann', 'bob', { createdAt: T0, outbox: [backfill] });
        expect(await store.statuses.create(status(1, 'ann'), { audience: 0 })).toMatchObject({ created: true });
        expect(await store.resendPending(Date.now() + 60_000, 100)).toBe(0);
        await expectJobs(ctx, [backfill]);
      });
    });

    runSocialStoreContract({ test, store: () => store });
    runHybridStoreContract({ test, store: () => store });
    runFeedBoundStoreContract({ test, store: () => store });

    describe('store', () => {
      test('ping resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      test('close resolves, and closing twice is harmless', async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}
