import type { TestContext } from 'vitest';
import { describe, expect } from 'vitest';
import type { StatusRecord, Store } from '../../src/ports/store.js';
import { T0, user } from './store-fixtures.js';

/** What the hybrid fan-out cases need from the Store contract: its test registrar and the current store. */
export interface HybridContractHooks {
  test: (title: string, fn: (ctx: TestContext) => Promise<void>) => void;
  store: () => Store;
}

const sid = (n: number): string => `01H${String(n).padStart(8, '0')}`;

function status(n: number, author: string, pulled?: boolean): StatusRecord {
  const post = `post ${n}`;
  return {
    id: sid(n),
    author,
    post,
    segments: [{ type: 'text', text: post, start: 0, end: post.length }],
    createdAt: T0 + n,
    ...(pulled ? { pulled: true } : {}),
  };
}

/** The store methods hybrid fan-out reads and writes: pulled marks, pulled statuses, batched edge checks. */
export function runHybridStoreContract({ test, store: current }: HybridContractHooks): void {
  describe('hybrid fan-out', () => {
    test('markPulled keeps the earliest status id, and pulledAccounts lists the marked accounts by alias', async () => {
      const store = current();
      await store.users.createMany(['zed', 'ann', 'bob'].map((alias) => user(alias)));
      expect((await store.users.pulledAccounts()).size).toBe(0);
      await store.users.markPulled('zed', sid(5));
      await store.users.markPulled('ann', sid(7));
      await store.users.markPulled('zed', sid(3)); // an earlier concurrent post wins
      await store.users.markPulled('zed', sid(9)); // a later one never moves it
      expect((await store.users.get('zed'))?.pulledSince).toBe(sid(3));
      expect((await store.users.get('bob'))?.pulledSince ?? null).toBeNull();
      expect([...(await store.users.pulledAccounts())]).toEqual([
        ['ann', sid(7)],
        ['zed', sid(3)],
      ]);
      expect((await store.users.getMany(['ann'])).get('ann')?.pulledSince).toBe(sid(7));
    });

    test('a pulled status is stored as pulled, with its delivery done at once and every follower counted', async () => {
      const store = current();
      await store.statuses.create(status(1, 'ann', true), { audience: 1_000_000 });
      await store.statuses.create(status(2, 'ann'), { audience: 5 });
      expect(await store.statuses.get(sid(1))).toEqual(status(1, 'ann', true));
      expect(await store.statuses.get(sid(2))).toEqual(status(2, 'ann'));
      expect((await store.statuses.byAuthor('ann', { limit: 10 })).map((s) => s.pulled === true)).toEqual([
        false,
        true,
      ]);
      expect(await store.deliveries.get(sid(1))).toMatchObject({
        state: 'done',
        audience: 1_000_000,
        delivered: 1_000_000,
        planDone: true,
      });
      expect((await store.deliveries.get(sid(2)))?.state).toBe('queued');
    });

    test('follows.existing returns the edges that exist, in the order asked, unfollowed ones left out', async () => {
      const store = current();
      await store.users.createMany(['ann', 'bob', 'cat', 'dan'].map((alias) => user(alias)));
      await store.follows.add('bob', 'ann', { createdAt: T0 });
      await store.follows.add('dan', 'ann', { createdAt: T0 });
      await store.follows.add('cat', 'ann', { createdAt: T0 });
      await store.follows.add('ann', 'bob', { createdAt: T0 });
      await store.follows.remove('cat', 'ann');
      const asked = ['dan', 'cat', 'bob', 'nobody', 'ann'].map((follower) => ({ follower, followee: 'ann' }));
      expect(await store.follows.existing([...asked, { follower: 'ann', followee: 'bob' }])).toEqual([
        { follower: 'dan', followee: 'ann' },
        { follower: 'bob', followee: 'ann' },
        { follower: 'ann', followee: 'bob' },
      ]);
      expect(await store.follows.existing([])).toEqual([]);
      const many = Array.from({ length: 250 }, (_, i) => ({ follower: `x${i}`, followee: 'ann' }));
      expect(await store.follows.existing([...many, { follower: 'bob', followee: 'ann' }])).toEqual([
        { follower: 'bob', followee: 'ann' },
      ]);
    });
  });
}
