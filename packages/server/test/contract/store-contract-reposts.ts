import { describe, expect } from 'vitest';
import type { RepostRecord } from '../../src/ports/store.js';
import { readRepostRowChecks } from '../../src/services/repost-row-checks.js';
import { job, sid, status, T0, type CoreContractHooks } from './store-fixtures.js';

/** Repost ids sort after every status id of the fixtures, as a repost is made after the status it reposts. */
const rid = (n: number): string => `01T${String(n).padStart(8, '0')}`;

function repost(n: number, statusN: number, reposter: string, author = 'ann'): RepostRecord {
  return { id: rid(n), statusId: sid(statusN), author, reposter, createdAt: T0 + 1000 + n };
}

const page = { key: 'p', count: 0 };

/** Reposts: the record, its delivery through the fan-out's deliverRange, once per feed, counts and lists. */
export function runRepostsContract({ test, store, expectJobs, createUsers }: CoreContractHooks): void {
  describe('reposts', () => {
    test('create writes the repost, its delivery record and its jobs once; a second create returns the first', async (ctx) => {
      await createUsers('ann', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      const plan = job('fanout.plan', { statusId: rid(1), author: 'bob' });
      expect(await store.reposts.create(repost(1, 1, 'bob'), { audience: 3, outbox: [plan] })).toEqual({
        repost: repost(1, 1, 'bob'),
        created: true,
      });
      const again = await store.reposts.create(repost(2, 1, 'bob'), { audience: 3, outbox: [plan] });
      expect(again).toEqual({ repost: repost(1, 1, 'bob'), created: false });
      expect(await store.deliveries.get(rid(1))).toMatchObject({
        statusId: rid(1),
        author: 'bob',
        audience: 3,
        state: 'queued',
        original: sid(1),
      });
      expect(await store.reposts.get(sid(1), 'bob')).toEqual(repost(1, 1, 'bob'));
      expect(await store.reposts.counts([sid(1), sid(2)])).toEqual(new Map([[sid(1), 1]]));
      expect(await store.reposts.mine('bob', [sid(1), sid(2)])).toEqual(new Set([sid(1)]));
      expect(await store.reposts.mine('ann', [sid(1)])).toEqual(new Set());
      await expectJobs(ctx, [plan]);
    });

    test('create of a repost of a missing status writes nothing and returns null', async (ctx) => {
      await createUsers('bob');
      const plan = job('fanout.plan', { statusId: rid(1), author: 'bob' });
      expect(await store.reposts.create(repost(1, 9, 'bob'), { audience: 0, outbox: [plan] })).toBeNull();
      expect(await store.reposts.get(sid(9), 'bob')).toBeNull();
      await expectJobs(ctx, []);
    });

    test('deliverRange writes a repost as an entry naming its status, skipping feeds that hold the status', async () => {
      await createUsers('ann', 'bob', 'cat', 'dan');
      await store.follows.addMany(
        ['cat', 'dan'].map((follower) => ({ follower, followee: 'bob' })),
        T0,
      );
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.feeds.addMany([{ owner: 'dan', statusId: sid(1), author: 'ann' }]);
      await store.reposts.create(repost(1, 1, 'bob'), { audience: 2 });
      const out = await store.deliveries.deliverRange(
        { statusId: rid(1), author: 'bob' },
        { after: null, to: 'dan', limit: 10 },
        { now: T0, page: { key: 'dan', count: 2 } },
      );
      expect(out.owners).toEqual(['cat']);
      expect(await store.feeds.page('cat', { limit: 10 })).toEqual([
        { owner: 'cat', statusId: rid(1), author: 'bob', original: sid(1) },
      ]);
      expect(await store.feeds.page('dan', { limit: 10 })).toEqual([{ owner: 'dan', statusId: sid(1), author: 'ann' }]);
      expect(await store.deliveries.get(rid(1))).toMatchObject({ delivered: 2 });
    });

    test('the first repost of a status to reach a feed stays; a later one is not written there', async () => {
      await createUsers('ann', 'bob', 'cat', 'dan');
      await store.follows.addMany(
        ['bob', 'dan'].map((followee) => ({ follower: 'cat', followee })),
        T0,
      );
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.reposts.create(repost(1, 1, 'bob'), { audience: 1 });
      await store.reposts.create(repost(2, 1, 'dan'), { audience: 1 });
      for (const [n, author] of [
        [1, 'bob'],
        [2, 'dan'],
      ] as const) {
        await store.deliveries.deliverRange(
          { statusId: rid(n), author },
          { after: null, to: 'cat', limit: 10 },
          { now: T0, page },
        );
      }
      expect((await store.feeds.page('cat', { limit: 10 })).map((e) => e.statusId)).toEqual([rid(1)]);
      // Replays change nothing.
      await store.deliveries.deliverRange(
        { statusId: rid(1), author: 'bob' },
        { after: null, to: 'cat', limit: 10 },
        { now: T0, page },
      );
      expect((await store.feeds.page('cat', { limit: 10 })).map((e) => e.statusId)).toEqual([rid(1)]);
      // Once the first leaves, the other may take its place.
      expect(await store.reposts.removeFromFeeds({ id: rid(1), statusId: sid(1) }, ['cat', 'dan'])).toEqual(['cat']);
      expect(await store.reposts.addToFeeds({ id: rid(2), statusId: sid(1), reposter: 'dan' }, ['cat'])).toEqual([
        'cat',
      ]);
      expect(await store.reposts.addToFeeds({ id: rid(1), statusId: sid(1), reposter: 'bob' }, ['cat'])).toEqual([]);
      expect(await store.feeds.page('cat', { limit: 10 })).toEqual([
        { owner: 'cat', statusId: rid(2), author: 'dan', original: sid(1) },
      ]);
    });

    test('addToFeeds skips a feed that holds the status itself', async () => {
      await createUsers('ann', 'bob', 'cat');
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.feeds.addMany([{ owner: 'cat', statusId: sid(1), author: 'ann' }]);
      expect(await store.reposts.addToFeeds({ id: rid(1), statusId: sid(1), reposter: 'bob' }, ['cat'])).toEqual([]);
    });

    test('presence names the statuses a feed holds as themselves and the repost entry showing the others', async () => {
      await createUsers('ann', 'bob', 'cat');
      for (const n of [1, 2, 3]) await store.statuses.create(status(n, 'ann'), { audience: 0 });
      await store.reposts.create(repost(1, 1, 'bob'), { audience: 1 });
      expect(await store.reposts.addToFeeds({ id: rid(1), statusId: sid(1), reposter: 'bob' }, ['cat'])).toEqual([
        'cat',
      ]);
      await store.feeds.addMany([{ owner: 'cat', statusId: sid(2), author: 'ann' }]);
      const held = await store.feeds.presence('cat', [sid(1), sid(2), sid(3)]);
      expect(held).toEqual({ plain: new Set([sid(2)]), reposts: new Map([[sid(1), rid(1)]]) });
      expect(await store.feeds.presence('ann', [sid(1), sid(2)])).toEqual({ plain: new Set(), reposts: new Map() });
      expect(await store.feeds.presence('cat', [])).toEqual({ plain: new Set(), reposts: new Map() });
      // A repost entry trimmed away no longer counts, whatever once-per-feed bookkeeping it left.
      await store.feeds.trim('cat', { keep: 1, limit: 10 });
      expect(await store.feeds.presence('cat', [sid(1), sid(2)])).toEqual({
        plain: new Set(),
        reposts: new Map([[sid(1), rid(1)]]),
      });
      await store.feeds.trim('cat', { keep: 0, limit: 10 });
      expect(await store.feeds.presence('cat', [sid(1), sid(2)])).toEqual({ plain: new Set(), reposts: new Map() });
    });

    test('repost row checks in one read give what standing and presence give', async () => {
      await createUsers('ann', 'bob', 'cat', 'dan');
      for (const n of [1, 2, 3]) await store.statuses.create(status(n, 'ann'), { audience: 0 });
      await store.reposts.create(repost(1, 1, 'bob'), { audience: 1 });
      await store.reposts.addToFeeds({ id: rid(1), statusId: sid(1), reposter: 'bob' }, ['cat']);
      await store.reposts.create(repost(2, 2, 'dan'), { audience: 1 });
      await store.feeds.addMany([{ owner: 'cat', statusId: sid(2), author: 'ann' }]);
      const keys = [
        { statusId: sid(1), reposter: 'bob' },
        { statusId: sid(1), reposter: 'dan' }, // never reposted
        { statusId: sid(2), reposter: 'dan' },
        { statusId: sid(3), reposter: 'bob' },
      ];
      const expected = {
        standing: new Set([`${sid(1)} bob`, `${sid(2)} dan`]),
        presence: { plain: new Set([sid(2)]), reposts: new Map([[sid(1), rid(1)]]) },
      };
      expect(await store.reposts.standing(keys)).toEqual(expected.standing);
      expect(await store.feeds.presence('cat', [sid(1), sid(2), sid(3)])).toEqual(expected.presence);
      expect(await readRepostRowChecks(store, 'cat', keys)).toEqual(expected);
      const none = { standing: new Set(), presence: { plain: new Set(), reposts: new Map() } };
      expect(await readRepostRowChecks(store, 'cat', [])).toEqual(none);
      // A long list (SQLite binds it in chunks): the same figures, with the checked keys past the first chunks.
      const filler = Array.from({ length: 66 }, (_, i) => ({ statusId: sid(100 + i), reposter: 'bob' }));
      const long = [...filler.slice(0, 33), ...keys.slice(0, 1), ...filler.slice(33), ...keys.slice(1)];
      expect(await readRepostRowChecks(store, 'cat', long)).toEqual(expected);
      await store.reposts.delete(sid(1), 'bob');
      expect((await readRepostRowChecks(store, 'ann', keys)).standing).toEqual(new Set([`${sid(2)} dan`]));
      expect((await readRepostRowChecks(store, 'ann', keys)).presence).toEqual(none.presence);
    });

    test('recount gives the number of reposts standing, and counts agree with it', async () => {
      await createUsers('ann', 'bob', 'cat');
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      expect(await store.reposts.recount(sid(1))).toBe(0);
      await store.reposts.create(repost(1, 1, 'bob'), { audience: 0 });
      await store.reposts.create(repost(2, 1, 'cat'), { audience: 0 });
      expect(await store.reposts.recount(sid(1))).toBe(2);
      await store.reposts.delete(sid(1), 'bob');
      expect(await store.reposts.recount(sid(1))).toBe(1);
      expect(await store.reposts.counts([sid(1)])).toEqual(new Map([[sid(1), 1]]));
    });

    test('delete removes the repost and its delivery record with its jobs, once', async (ctx) => {
      await createUsers('ann', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.reposts.create(repost(1, 1, 'bob'), { audience: 0 });
      const retract = job('repost.retract', { repostId: rid(1), statusId: sid(1), reposter: 'bob' });
      expect(await store.reposts.delete(sid(1), 'bob', { outbox: [retract] })).toEqual(repost(1, 1, 'bob'));
      expect(await store.reposts.delete(sid(1), 'bob', { outbox: [retract] })).toBeNull();
      expect(await store.reposts.get(sid(1), 'bob')).toBeNull();
      expect(await store.deliveries.get(rid(1))).toBeNull();
      expect(await store.reposts.counts([sid(1)])).toEqual(new Map());
      expect(await store.reposts.standing([{ statusId: sid(1), reposter: 'bob' }])).toEqual(new Set());
      await expectJobs(ctx, [retract]);
      // A new repost after the undo is a new one.
      expect(await store.reposts.create(repost(3, 1, 'bob'), { audience: 0 })).toMatchObject({ created: true });
      expect(await store.reposts.counts([sid(1)])).toEqual(new Map([[sid(1), 1]]));
    });

    test('byStatus pages every repost of a status; byReposter lists a reposter newest first', async () => {
      await createUsers('ann', 'bob', 'cat', 'dan');
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.statuses.create(status(2, 'ann'), { audience: 0 });
      await store.reposts.create(repost(1, 1, 'cat'), { audience: 0 });
      await store.reposts.create(repost(2, 1, 'bob'), { audience: 0 });
      await store.reposts.create(repost(3, 1, 'dan'), { audience: 0 });
      await store.reposts.create(repost(4, 2, 'bob'), { audience: 0 });
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 5; i++) {
        const p = await store.reposts.byStatus(sid(1), { after, limit: 2 });
        seen.push(...p.items.map((r) => r.reposter));
        if (p.next === null) break;
        after = p.next;
      }
      expect(seen.sort()).toEqual(['bob', 'cat', 'dan']);
      expect((await store.reposts.byReposter('bob', { limit: 10 })).map((r) => r.id)).toEqual([rid(4), rid(2)]);
      expect((await store.reposts.byReposter('bob', { before: rid(4), limit: 10 })).map((r) => r.id)).toEqual([rid(2)]);
      expect(
        await store.reposts.standing([
          { statusId: sid(1), reposter: 'bob' },
          { statusId: sid(2), reposter: 'cat' },
        ]),
      ).toEqual(new Set([`${sid(1)} bob`]));
    });
  });
}
