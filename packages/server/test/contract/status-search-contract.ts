import { parseSegments, queryTerms } from '@tweeter/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { IndexStatusProcessor } from '../../src/jobs/index-status.js';
import { hourOf, type StatusSearchRepo } from '../../src/ports/status-search.js';
import { runIndexBatchCases } from './status-search-batch-cases.js';
import { all, HOUR, indexed, T0, type SearchContractHarness } from './status-search-fixtures.js';

export type { SearchContractHarness } from './status-search-fixtures.js';

/**
 * The status search contract: the same query semantics, paging, removal and trend counting on every adapter
 * (SQLite FTS5 and DynamoDB term partitions). Run by sqlite-status-search.test.ts and dynamodb-status-search.test.ts.
 */
export function runStatusSearchContract(options: { name: string; create: () => Promise<SearchContractHarness> }): void {
  describe(`Status search contract: ${options.name}`, () => {
    let harness: SearchContractHarness;
    let search: StatusSearchRepo;
    beforeEach(async () => {
      harness = await options.create();
      search = harness.store.search;
    });
    afterEach(async () => harness.cleanup());
    runIndexBatchCases(() => harness);

    async function post(author: string, text: string, at: number): Promise<string> {
      const id = newId(at);
      await search.index(indexed(id, author, text, at));
      return id;
    }

    it('finds statuses with every word, newest first, case and accents folded, hashtags and mentions apart', async () => {
      const a = await post('ann', 'Zoë likes #Rust and Go', T0 + 1);
      const b = await post('bob', 'rust is a colour, says @ann', T0 + 2);
      const c = await post('cat', 'ZOE writes GO with #rust', T0 + 3);
      await post('dan', 'nothing to see here', T0 + 4);
      expect(await all(search, 'zoe')).toEqual([c, a]);
      expect(await all(search, 'rust')).toEqual([c, b, a]);
      expect(await all(search, '#RUST')).toEqual([c, a]);
      expect(await all(search, 'zoe go #rust')).toEqual([c, a]);
      expect(await all(search, '@ann rust')).toEqual([b]);
      expect(await all(search, 'ann')).toEqual([b]);
      expect(await all(search, 'zoe colour')).toEqual([]);
    });

    it('never reads the query as syntax: quotes, *, NEAR, AND, OR, -, ^ and column filters are words or nothing', async () => {
      const near = await post('ann', 'meet me NEAR the station or not', T0 + 1);
      const star = await post('bob', 'rating: five * stars "quoted" AND more', T0 + 2);
      const plain = await post('cat', 'terms: a b c', T0 + 3);
      for (const q of ['"', '*', '"unbalanced', 'NEAR(', 'terms:', '^', '-', '()', 'OR', 'AND NOT']) {
        // Nothing throws; what matches is whatever the words say.
        await expect(all(search, q)).resolves.toBeInstanceOf(Array);
      }
      expect(await all(search, 'NEAR station')).toEqual([near]);
      expect(await all(search, 'near(station, 2)')).toEqual([]); // "2" is a word no status has
      expect(await all(search, '"stars" AND quoted*')).toEqual([star]);
      expect(await all(search, 'terms:c')).toEqual([plain]);
      expect(await all(search, 'quoted OR station')).toEqual([]);
    });

    it('pages newest first without repeats or gaps, and later posts never shift the next page', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await post(`u${i % 3}`, `page test number ${i}`, T0 + i * 10));
      const first = await search.search(queryTerms('page test'), { limit: 3, scan: 1_000 });
      expect(first.hits.map((h) => h.statusId)).toEqual(ids.slice(4).reverse());
      expect(first.next).not.toBeNull();
      await post('u9', 'page test newer', T0 + 1_000);
      const second = await search.search(queryTerms('page test'), { after: first.next ?? '', limit: 3, scan: 1_000 });
      expect(second.hits.map((h) => h.statusId)).toEqual(ids.slice(1, 4).reverse());
      const third = await search.search(queryTerms('page test'), { after: second.next ?? '', limit: 3, scan: 1_000 });
      expect(third.hits.map((h) => h.statusId)).toEqual([ids[0]]);
      expect(third.next).toBeNull();
      expect(third.hits[0]?.author).toBe('u0');
    });

    it('remove takes a status out (idempotent); indexing again is a no-op that counts nothing twice', async () => {
      const a = await post('ann', 'hello #world', T0);
      const b = await post('bob', 'hello #world again', T0 + 1);
      await search.index(indexed(a, 'ann', 'hello #world', T0));
      await search.remove(b);
      await search.remove(b);
      await search.remove(newId(T0)); // never indexed
      expect(await all(search, 'hello')).toEqual([a]);
      const hour = hourOf(T0);
      // Removal keeps the counts: they count what was posted.
      expect(await search.trends({ from: hour - 23, to: hour }, 10)).toEqual([
        { tag: 'world', statuses: 2, accounts: 2 },
      ]);
    });

    it('trends count distinct accounts over the window, an account once however many hours it posts in', async () => {
      const h = hourOf(T0);
      await post('ann', '#alpha one', T0);
      await post('ann', '#alpha two #beta', T0 + HOUR);
      await post('ann', '#Alpha three', T0 + 2 * HOUR);
      await post('bob', '#beta', T0 + 2 * HOUR);
      await post('cat', '#beta #gamma', T0 + 3 * HOUR);
      await post('dan', '#gamma', T0 + 3 * HOUR + 1);
      await post('eve', '#gamma', T0 - 30 * HOUR); // outside every window read below
      expect(await search.trends({ from: h - 20, to: h + 3 }, 10)).toEqual([
        { tag: 'beta', statuses: 3, accounts: 3 },
        { tag: 'gamma', statuses: 2, accounts: 2 },
        { tag: 'alpha', statuses: 3, accounts: 1 },
      ]);
      // A window that starts after ann's last #alpha: alpha is gone; ann's #beta (hour 1) too.
      expect(await search.trends({ from: h + 3, to: h + 26 }, 10)).toEqual([
        { tag: 'gamma', statuses: 2, accounts: 2 },
        { tag: 'beta', statuses: 1, accounts: 1 },
      ]);
      expect(await search.trends({ from: h + 2, to: h + 25 }, 1)).toEqual([{ tag: 'beta', statuses: 2, accounts: 2 }]);
    });

    it('the index.status job indexes a status that exists and takes out one that is gone', async () => {
      const { store } = harness;
      await store.users.createMany([
        {
          alias: 'ann',
          firstName: 'Ann',
          lastName: 'A',
          passwordHash: 'x',
          imageKey: null,
          createdAt: T0,
          followerCount: 0,
          followeeCount: 0,
        },
      ]);
      const id = newId(T0);
      const text = 'job indexed #JobTag';
      await store.statuses.create(
        { id, author: 'ann', post: text, segments: parseSegments(text), createdAt: T0 },
        { audience: 0 },
      );
      const job = new IndexStatusProcessor({ statuses: store.statuses, search });
      const run = () =>
        job.perform({
          id: 'j1',
          name: 'index.status',
          payload: { statusId: id, author: 'ann' },
          attempts: 1,
          enqueuedAt: T0,
          receipt: 'r',
        });
      await run();
      await run(); // at least once: a repeat changes nothing
      expect(await all(search, '#jobtag')).toEqual([id]);
      const hour = hourOf(T0);
      expect(await search.trends({ from: hour, to: hour }, 10)).toEqual([{ tag: 'jobtag', statuses: 1, accounts: 1 }]);
      await store.statuses.delete(id);
      await run();
      expect(await all(search, 'indexed')).toEqual([]);
    });

    it('index.status jobs run together: each status converges, and a malformed job fails alone', async () => {
      const { store } = harness;
      await store.users.createMany([
        {
          alias: 'bob',
          firstName: 'Bob',
          lastName: 'B',
          passwordHash: 'x',
          imageKey: null,
          createdAt: T0,
          followerCount: 0,
          followeeCount: 0,
        },
      ]);
      const [kept, gone] = [newId(T0), newId(T0 + 1)];
      for (const [id, text] of [
        [kept, 'batch kept'],
        [gone, 'batch gone'],
      ] as const) {
        await store.statuses.create(
          { id, author: 'bob', post: text, segments: parseSegments(text), createdAt: T0 },
          { audience: 0 },
        );
      }
      const job = new IndexStatusProcessor({ statuses: store.statuses, search });
      const of = (n: number, payload: Record<string, unknown>) => ({
        id: `b${n}`,
        name: 'index.status',
        payload,
        attempts: 1,
        enqueuedAt: T0,
        receipt: 'r',
      });
      const batch = [
        of(1, { statusId: kept, author: 'bob' }),
        of(2, { statusId: gone, author: 'bob' }),
        of(3, { author: 'bob' }),
        of(4, { statusId: kept, author: 'bob' }), // the same status twice in one receive
      ];
      const first = await job.performBatch(batch);
      expect(first.map((o) => o.ok)).toEqual([true, true, false, true]);
      expect(await all(search, 'batch')).toEqual([gone, kept]); // newest first
      await store.statuses.delete(gone);
      const again = await job.performBatch(batch);
      expect(again.map((o) => o.ok)).toEqual([true, true, false, true]);
      expect(await all(search, 'batch')).toEqual([kept]);
    });
  });
}
