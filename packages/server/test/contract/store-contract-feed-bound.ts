import type { TestContext } from 'vitest';
import { describe, expect } from 'vitest';
import type { FeedEntry, StatusRecord, Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

/** What the bounded-feed cases need from the Store contract: its test registrar and the current store. */
export interface FeedBoundContractHooks {
  test: (title: string, fn: (ctx: TestContext) => Promise<void>) => void;
  store: () => Store;
}

const sid = (n: number): string => `01B${String(n).padStart(8, '0')}`;

function status(n: number, author: string): StatusRecord {
  const post = `post ${n}`;
  return {
    id: sid(n),
    author,
    post,
    segments: [{ type: 'text', text: post, start: 0, end: post.length }],
    createdAt: T0 + n,
  };
}

/** Statuses `from`..`to` in `owner`'s feed, by `author(n)`. */
function entries(owner: string, from: number, to: number, author: (n: number) => string): FeedEntry[] {
  const list: FeedEntry[] = [];
  for (let n = from; n <= to; n++) list.push({ owner, statusId: sid(n), author: author(n) });
  return list;
}

/** Ids `from`..`to`, newest first (as a feed lists them). */
const newest = (from: number, to: number): string[] =>
  entries('', from, to, () => '')
    .map((e) => e.statusId)
    .reverse();

/** FeedRepo.trim (the storage bound, FEED_MAX_ENTRIES) and the unfollow purge without an index by author. */
export function runFeedBoundStoreContract({ test, store: current }: FeedBoundContractHooks): void {
  const ids = async (owner: string): Promise<string[]> =>
    (await current().feeds.page(owner, { limit: 1000 })).map((e) => e.statusId);

  describe('bounded feeds', () => {
    test('trim keeps the newest `keep`, removes at most `limit` a call, and then removes nothing', async () => {
      const store = current();
      await store.feeds.addMany(entries('bob', 1, 30, (n) => (n % 2 ? 'ann' : 'dan')));
      await store.feeds.addMany(entries('cat', 1, 5, () => 'ann'));
      expect(await store.feeds.trim('bob', { keep: 10, limit: 8 })).toBe(8);
      // The newest past the bound go first: what is left is the newest 10 and the oldest 12.
      expect(await ids('bob')).toEqual([...newest(21, 30), ...newest(1, 12)]);
      expect(await store.feeds.trim('bob', { keep: 10, limit: 8 })).toBe(8);
      expect(await store.feeds.trim('bob', { keep: 10, limit: 8 })).toBe(4);
      expect(await ids('bob')).toEqual(newest(21, 30));
      // Idempotent: a repeated or duplicated job finds nothing past the bound.
      expect(await store.feeds.trim('bob', { keep: 10, limit: 8 })).toBe(0);
      expect(await ids('bob')).toEqual(newest(21, 30));
      expect(await ids('cat')).toEqual(newest(1, 5));
      expect(await store.feeds.trim('cat', { keep: 10, limit: 8 })).toBe(0);
      expect(await store.feeds.trim('nobody', { keep: 10, limit: 8 })).toBe(0);
      expect(await store.feeds.trim('cat', { keep: 0, limit: 100 })).toBe(5);
      expect(await ids('cat')).toEqual([]);
    });

    test('trim beside deliveries: the newest `keep` always stay, and the feed ends at exactly `keep`', async () => {
      const store = current();
      await store.follows.addMany([{ follower: 'bob', followee: 'ann' }], T0);
      await store.feeds.addMany(entries('bob', 1, 20, () => 'ann'));
      // Each round delivers a newer status while trims of the feed run in between (twice: jobs run at least once).
      for (let n = 21; n <= 26; n++) {
        await store.statuses.create(status(n, 'ann'), { audience: 1 });
        const [removed, delivered, again] = await Promise.all([
          store.feeds.trim('bob', { keep: 10, limit: 4 }),
          store.deliveries.deliverRange(
            { statusId: sid(n), author: 'ann' },
            { after: null, to: 'bob', limit: 10 },
            { now: T0 + n, page: { key: 'bob', count: 1 } },
          ),
          store.feeds.trim('bob', { keep: 10, limit: 4 }),
        ]);
        expect(removed + again).toBeLessThanOrEqual(8);
        expect(delivered.owners).toEqual(['bob']);
        const feed = await ids('bob');
        expect(feed.slice(0, 10)).toEqual(newest(n - 9, n));
      }
      while ((await store.feeds.trim('bob', { keep: 10, limit: 4 })) > 0);
      expect(await ids('bob')).toEqual(newest(17, 26));
      expect(await store.feeds.trim('bob', { keep: 10, limit: 4 })).toBe(0);
    });

    test('removeByAuthor purges one author from a feed at the bound, reading the feed itself', async () => {
      const store = current();
      const author = (n: number): string => ['ann', 'dan', 'eve'][n % 3] ?? 'ann';
      await store.feeds.addMany(entries('bob', 1, 240, author));
      await store.feeds.addMany(entries('cat', 1, 9, author));
      expect(await store.feeds.removeByAuthor('bob', 'dan')).toBe(80);
      expect(await store.feeds.removeByAuthor('bob', 'dan')).toBe(0);
      expect(await store.feeds.removeByAuthor('bob', 'nobody')).toBe(0);
      const left = await store.feeds.page('bob', { limit: 1000 });
      expect(left).toHaveLength(160);
      expect(left.some((e) => e.author === 'dan')).toBe(false);
      expect(left.map((e) => e.statusId)).toEqual(newest(1, 240).filter((id) => author(Number(id.slice(3))) !== 'dan'));
      // Another owner's entries by the same author stay.
      expect((await store.feeds.page('cat', { limit: 100 })).filter((e) => e.author === 'dan')).toHaveLength(3);
      // A trimmed feed purges as well: what the trim left, less the author.
      expect(await store.feeds.trim('bob', { keep: 100, limit: 500 })).toBe(60);
      expect(await store.feeds.removeByAuthor('bob', 'ann')).toBe(50);
      expect(await store.feeds.page('bob', { limit: 1000 })).toHaveLength(50);
    });

    test('trim refuses a negative keep and a limit below 1', async () => {
      const store = current();
      await expect(store.feeds.trim('bob', { keep: -1, limit: 5 })).rejects.toThrow(RangeError);
      await expect(store.feeds.trim('bob', { keep: 5, limit: 0 })).rejects.toThrow(RangeError);
    });
  });
}
