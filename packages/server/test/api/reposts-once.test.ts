import { describe, expect, it } from 'vitest';
import { type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Once per feed across pages, on SQLite (npm test) and on DynamoDB/SQS (npm run test:aws): a status that reached a
// feed as itself after a repost of it (a follow's backfill), and a pulled account's repost merged at read time beside
// a pushed repost of the same status, each show once over every page of the feed.
const apps = useTestApps();
let t: TestApp;

interface Item {
  id: string;
  repostedBy: { alias: string } | null;
}

const post = async (token: string, text: string): Promise<string> => {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
};
const follow = async (token: string, alias: string) =>
  expect((await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
const repost = async (token: string, id: string) =>
  expect((await t.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` })).statusCode).toBe(200);

/** Every page of the feed, `limit` a page, each item as `<status id> via <reposter>` or the id; pages kept apart. */
async function pages(token: string, limit: number): Promise<string[][]> {
  const out: string[][] = [];
  for (let cursor: string | null = null, n = 0; n < 20; n++) {
    const query: string = cursor === null ? `limit=${limit}` : `limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
    const res = await t.as(token, { method: 'GET', url: `/api/v1/me/feed?${query}` });
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: Item[]; nextCursor: string | null }>();
    out.push(page.items.map((i) => (i.repostedBy ? `${i.id} via ${i.repostedBy.alias}` : i.id)));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return out;
}

describe('once per feed, across pages', () => {
  it('a status that arrives as itself after a repost of it (a follow backfill) shows once, as itself', async () => {
    t = await apps.start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    await follow(cat, 'bob');
    await t.drain();
    const a1 = await post(ann, 'first');
    const a2 = await post(ann, 'second');
    const a3 = await post(ann, 'third');
    await t.drain();
    await repost(bob, a1);
    await t.drain();
    expect(await pages(cat, 2)).toEqual([[`${a1} via bob`]]);
    // cat follows ann: the backfill brings a1 as itself, older than the repost and on a later page.
    await follow(cat, 'ann');
    await t.drain();
    const all = await pages(cat, 2);
    expect(all.flat()).toEqual([a3, a2, a1]);
    // Whatever the page size, the same items.
    expect((await pages(cat, 1)).flat()).toEqual([a3, a2, a1]);
    expect((await pages(cat, 20)).flat()).toEqual([a3, a2, a1]);
  });

  it("a pulled account's repost merged at read time and an older pushed repost of it: the older shows, once", async () => {
    t = await apps.start({ FANOUT_PULL_THRESHOLD: '2' });
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const dan = await t.register('dan');
    const cat = await t.register('cat');
    await follow(cat, 'bob');
    await follow(cat, 'dan');
    for (const fan of ['fan1', 'fan2']) await follow(await t.register(fan), 'bob'); // bob: 3 followers, pulled
    await t.drain();
    const e1 = await post(ann, 'cat does not follow ann');
    await t.drain();
    await repost(dan, e1); // pushed into cat's feed
    await t.drain();
    const d1 = await post(dan, 'd1');
    const d2 = await post(dan, 'd2');
    await t.drain();
    await repost(bob, e1); // merged at read time, newer than dan's
    await t.drain();
    const expected = [d2, d1, `${e1} via dan`];
    expect((await pages(cat, 2)).flat()).toEqual(expected);
    expect((await pages(cat, 1)).flat()).toEqual(expected);
    expect((await pages(cat, 20)).flat()).toEqual(expected);
  });
});
