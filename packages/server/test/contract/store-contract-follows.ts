import { describe, expect } from 'vitest';
import { T0, user, aliases, job, type CoreContractHooks } from './store-fixtures.js';

/** The Store contract for follows: edges both ways, exact counts, paging, and the outbox of add and remove. */
export function runFollowsContract(hooks: CoreContractHooks): void {
  const { test, expectJobs, createUsers, counts, store } = hooks;

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
}
