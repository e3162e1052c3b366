import { describe, expect, it } from 'vitest';
import { user } from '../contract/store-fixtures.js';
import { testShape } from '../support/aws-local.js';
import { useTestApps } from '../support/use-test-app.js';

// A broad prefix whose matches the snapshot of the most followed accounts holds (people-top.ts, on the SQLite file) is
// ranked from it: its candidates are the most followed matches, not the first ones in term order. DynamoDB keeps no
// snapshot (TWEETER_TEST_SHAPE=aws-local): there the first 100 in term order are ranked. On both, the exact alias
// ranks first, and blocks and deletions are read on every request.

const apps = useTestApps();

describe('GET /search/users on a broad name prefix', () => {
  it('ranks the most followed matches (SQLite: from the snapshot), exact alias first, blocks at once', async () => {
    const t = await apps.start();
    const me = await t.register('viewer', { firstName: 'Val', lastName: 'Viewer' });
    // 130 accounts named "Pellinore": more than the 100 name candidates read per query. The later an alias sorts,
    // the more followers it has, so term order and follower order disagree.
    const many = Array.from({ length: 130 }, (_, i) =>
      user(`pt${String(i).padStart(3, '0')}`, { firstName: 'Pellinore', lastName: 'Knight', followerCount: i + 10 }),
    );
    await t.ctx.store.users.createMany(many);
    await t.ctx.store.people.putMany(
      many.map((u) => ({ alias: u.alias, firstName: u.firstName, lastName: u.lastName })),
    );
    await t.ctx.services.peopleSearch.refreshTop();
    const people = async (q: string, cursor?: string): Promise<{ aliases: string[]; nextCursor: string | null }> => {
      const query = `q=${encodeURIComponent(q)}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.as(me, { url: `/api/v1/search/users?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ items: { alias: string }[]; nextCursor: string | null }>();
      return { aliases: body.items.map((p) => p.alias), nextCursor: body.nextCursor };
    };
    const fromSnapshot = t.config.shape.store === 'sqlite';
    // SQLite: the 100 most followed of the 130 (pt129 down to pt030); DynamoDB: the first 100 by alias, ranked.
    const top = fromSnapshot ? 129 : 99;
    const expected = (from: number, n: number): string[] =>
      Array.from({ length: n }, (_, k) => `pt${String(from - k).padStart(3, '0')}`);

    const first = await people('pell');
    expect(first.aliases).toEqual(expected(top, 5));
    // The list ends after 100 (the cap per kind), paged by the cursor.
    let cursor = first.nextCursor;
    let seen = first.aliases.length;
    while (cursor) {
      const page = await people('pell', cursor);
      seen += page.aliases.length;
      cursor = page.nextCursor;
    }
    expect(seen).toBe(100);

    // An account whose alias is the whole query ranks first, however few its followers (none are in the snapshot).
    await t.register('pellinore', { firstName: 'Exact', lastName: 'Alias' });
    await t.drain();
    expect((await people('pellinore')).aliases).toEqual(['pellinore', ...expected(top, 4)]);

    // Blocks are read per request, never from the snapshot or a reused list.
    const blockRes = await t.as(me, { method: 'PUT', url: `/api/v1/me/blocks/${expected(top, 1)[0] ?? ''}` });
    expect(blockRes.statusCode, blockRes.body).toBeLessThan(300);
    expect((await people('pell')).aliases).toEqual(expected(top - 1, 5));
  });

  // DynamoDB keeps no snapshot: nothing to read again there.
  it.skipIf(testShape() === 'aws-local')(
    'reads the snapshot again in the background after 30 s: a rename shows within a minute',
    async () => {
      let now = Date.UTC(2026, 0, 5, 12);
      const t = await apps.start({}, { clock: { now: () => now } });
      const me = await t.register('viewer', { firstName: 'Val', lastName: 'Viewer' });
      const many = Array.from({ length: 110 }, (_, i) =>
        user(`pt${String(i).padStart(3, '0')}`, { firstName: 'Pellinore', lastName: 'Knight', followerCount: i + 10 }),
      );
      await t.ctx.store.users.createMany(many);
      await t.ctx.store.people.putMany(
        many.map((u) => ({ alias: u.alias, firstName: u.firstName, lastName: u.lastName })),
      );
      await t.ctx.services.peopleSearch.refreshTop();
      const people = async (q: string): Promise<string[]> => {
        const res = await t.as(me, { url: `/api/v1/search/users?q=${encodeURIComponent(q)}&limit=3` });
        expect(res.statusCode, res.body).toBe(200);
        return res.json<{ items: { alias: string }[] }>().items.map((p) => p.alias);
      };
      expect(await people('pell')).toEqual(['pt109', 'pt108', 'pt107']);

      // The most followed is renamed (its record and its index terms, as the index.user job does).
      await t.ctx.store.users.updateProfile('pt109', { firstName: 'Gawain' });
      await t.ctx.store.people.put({ alias: 'pt109', firstName: 'Gawain', lastName: 'Knight' });
      // A narrow query reads the index and the account as they are now...
      expect(await people('gawain')).toEqual(['pt109']);
      // ...a broad one ranks from the snapshot, read again only once 30 s have passed.
      expect(await people('pell')).toEqual(['pt109', 'pt108', 'pt107']);
      now += 30_001;
      // This request starts the new read and is served meanwhile (the old snapshot: it never waits); its list is
      // reused for 30 s like any broad query's.
      expect(await people('pell')).toEqual(['pt109', 'pt108', 'pt107']);
      await t.ctx.services.peopleSearch.refreshTop();
      now += 30_001;
      expect(await people('pell')).toEqual(['pt108', 'pt107', 'pt106']);
    },
  );
});
