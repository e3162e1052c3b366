import { describe, expect, it } from 'vitest';
import { user } from '../contract/store-fixtures.js';
import { useTestApps } from '../support/use-test-app.js';

// A broad people query (more matches than the candidate cap, one to a few letters) ranks once and reuses its list for
// a while (people-ranked-cache.ts): on the real app, over a SQLite file or DynamoDB/SQS (TWEETER_TEST_SHAPE=aws-local).
// What must never lag does not: the exact alias, blocks, deleted accounts.

const apps = useTestApps();

describe('GET /search/users on a broad prefix', () => {
  it('reuses the ranking, yet finds an exact alias made since and drops a block at once', async () => {
    const t = await apps.start();
    const me = await t.register('viewer', { firstName: 'Val', lastName: 'Viewer' });
    // 120 accounts whose alias starts with "mxq": more than the 100 alias candidates read per query.
    const many = Array.from({ length: 120 }, (_, i) => user(`mxq${String(i).padStart(3, '0')}`));
    await t.ctx.store.users.createMany(many);
    await t.ctx.store.people.putMany(
      many.map((u) => ({ alias: u.alias, firstName: u.firstName, lastName: u.lastName })),
    );
    const people = async (q: string): Promise<string[]> => {
      const res = await t.as(me, { url: `/api/v1/search/users?q=${encodeURIComponent(q)}&limit=5` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { alias: string }[] }>().items.map((p) => p.alias);
    };
    const first = await people('mxq');
    expect(first).toEqual(['mxq000', 'mxq001', 'mxq002', 'mxq003', 'mxq004']);

    // The ranking is reused: an account made since (it would rank second) waits for the list's 30 s to pass...
    await t.register('mxq0000', { firstName: 'Later', lastName: 'Account' });
    // ...but one whose alias is the whole query is ranked first at once.
    await t.register('mxq', { firstName: 'Exact', lastName: 'Match' });
    await t.drain();
    expect(await people('mxq11')).toEqual(['mxq110', 'mxq111', 'mxq112', 'mxq113', 'mxq114']);
    expect(await people('mxq')).toEqual(['mxq', ...first.slice(0, 4)]);

    // A block is read per request, never from the reused list.
    const blockRes = await t.as(me, { method: 'PUT', url: '/api/v1/me/blocks/mxq000' });
    expect(blockRes.statusCode, blockRes.body).toBeLessThan(300);
    expect(await people('mxq')).toEqual(['mxq', 'mxq001', 'mxq002', 'mxq003', 'mxq004']);

    // A narrow query (fewer matches than the cap: ten here) is not reused: a new match shows at once.
    await t.register('mxq110a', { firstName: 'Late', lastName: 'Comer' });
    await t.drain();
    expect(await people('mxq11')).toEqual(['mxq110', 'mxq110a', 'mxq111', 'mxq112', 'mxq113']);
  });
});
