import { describe, expect } from 'vitest';
import { sid, entries, type CoreContractHooks } from './store-fixtures.js';

/** The Store contract for feeds: entries per owner, newest first, and their removal. */
export function runFeedsContract(hooks: CoreContractHooks): void {
  const { test, options, store } = hooks;
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
      await store.feeds.addMany([...entries(sid(1), 'ann', ['bob', 'cat', 'dan']), ...entries(sid(2), 'ann', ['bob'])]);
      expect(await store.feeds.removeStatus(sid(1), ['bob', 'cat', 'nobody'])).toBe(2);
      expect(await store.feeds.removeStatus(sid(1), ['bob'])).toBe(0);
      expect(await store.feeds.removeStatus(sid(1), [])).toBe(0);
      expect((await store.feeds.page('bob', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(2)]);
      expect(await store.feeds.page('cat', { limit: 10 })).toEqual([]);
      expect((await store.feeds.page('dan', { limit: 10 })).map((e) => e.statusId)).toEqual([sid(1)]);
    });
  });
}
