import { describe, expect, it } from 'vitest';
import { type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Reposts through the HTTP API, on SQLite (npm test) and on DynamoDB/SQS (npm run test:aws): fan-out through the
// two stages, once per feed, undo, the original's deletion, blocks and mutes, and hybrid fan-out.
const apps = useTestApps();
let t: TestApp;

interface User {
  alias: string;
}
interface Item {
  id: string;
  author: User;
  repostCount: number;
  repostedByMe: boolean;
  repostedBy: User | null;
  repostedAt: string | null;
}

const start = async (env: Record<string, string> = {}) => {
  t = await apps.start(env);
};
const post = async (token: string, text: string): Promise<string> => {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
};
const follow = async (token: string, alias: string) =>
  expect((await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
const repost = (token: string, id: string) => t.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` });
const undo = (token: string, id: string) => t.as(token, { method: 'DELETE', url: `/api/v1/statuses/${id}/repost` });
const feed = async (token: string): Promise<Item[]> => {
  const res = await t.as(token, { method: 'GET', url: '/api/v1/me/feed' });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: Item[] }>().items;
};
/** Each feed item as `<status id> via <reposter>` (or just the id when it came as itself). */
const shown = async (token: string) =>
  (await feed(token)).map((i) => (i.repostedBy ? `${i.id} via ${i.repostedBy.alias}` : i.id));
const reposters = async (token: string, id: string) => {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/statuses/${id}/reposts` });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: User[] }>().items.map((u) => u.alias);
};

/** ann posts; bob reposts; cat follows bob only. */
async function threeAccounts() {
  const ann = await t.register('ann');
  const bob = await t.register('bob');
  const cat = await t.register('cat');
  await follow(cat, 'bob');
  await t.drain();
  return { ann, bob, cat };
}

describe('PUT /statuses/{id}/repost', () => {
  it("reaches the reposter's followers as the status with repostedBy, at the top, and counts", async () => {
    await start();
    const { ann, bob, cat } = await threeAccounts();
    const old = await post(ann, 'an old status');
    const own = await post(bob, 'bob posts something');
    await t.drain();
    const res = await repost(bob, old);
    expect(res.statusCode).toBe(200);
    expect(res.json<Item>()).toMatchObject({ id: old, repostCount: 1, repostedByMe: true });
    await t.drain();
    const items = await feed(cat);
    expect(items.map((i) => i.id)).toEqual([old, own]);
    expect(items[0]).toMatchObject({ author: { alias: 'ann' }, repostedBy: { alias: 'bob' }, repostCount: 1 });
    expect(Date.parse(items[0]?.repostedAt ?? '')).toBeGreaterThan(0);
    expect(items[1]).toMatchObject({ repostedBy: null, repostedAt: null });
    // Idempotent: a second PUT changes nothing.
    expect((await repost(bob, old)).json<Item>()).toMatchObject({ repostCount: 1, repostedByMe: true });
    await t.drain();
    expect(await shown(cat)).toEqual([`${old} via bob`, own]);
    expect(await reposters(cat, old)).toEqual(['bob']);
    // Seen by someone who did not repost it: counted, not mine.
    const seen = await t.as(cat, { method: 'GET', url: `/api/v1/statuses/${old}` });
    expect(seen.json<Item>()).toMatchObject({ repostCount: 1, repostedByMe: false });
  });

  it('reposting my own status is allowed; a missing status is 404', async () => {
    await start();
    const ann = await t.register('ann');
    const id = await post(ann, 'mine');
    expect((await repost(ann, id)).statusCode).toBe(200);
    expect((await repost(ann, '01HZZZZZZZZZZZZZZZZZZZZZZZ')).statusCode).toBe(404);
    expect((await undo(ann, '01HZZZZZZZZZZZZZZZZZZZZZZZ')).statusCode).toBe(404);
    expect((await t.as(ann, { method: 'GET', url: '/api/v1/statuses/nope/reposts' })).statusCode).toBe(404);
  });

  it('is in a feed at most once: the original wins, then the first repost to arrive', async () => {
    await start();
    const { ann, bob, cat } = await threeAccounts();
    const dan = await t.register('dan');
    await follow(cat, 'dan');
    await follow(cat, 'ann');
    await t.drain();
    const a1 = await post(ann, 'cat follows ann');
    await t.drain();
    await repost(bob, a1);
    await t.drain();
    expect(await shown(cat)).toEqual([a1]); // the original was there first
    const eve = await t.register('eve');
    const e1 = await post(eve, 'cat does not follow eve');
    await t.drain();
    await repost(bob, e1);
    await t.drain();
    await repost(dan, e1);
    await t.drain();
    expect(await shown(cat)).toEqual([`${e1} via bob`, a1]);
    // Undo by bob: dan's repost still stands and takes its place.
    expect((await undo(bob, e1)).json<Item>()).toMatchObject({ repostCount: 1, repostedByMe: false });
    await t.drain();
    expect(await shown(cat)).toEqual([`${e1} via dan`, a1]);
    await undo(dan, e1);
    // Gone from the feed at once, before the retraction runs.
    expect(await shown(cat)).toEqual([a1]);
    await t.drain();
    expect(await shown(cat)).toEqual([a1]);
    expect((await undo(dan, e1)).statusCode).toBe(200); // idempotent
  });

  it('a deleted original leaves every feed with its reposts, and its reposts are removed', async () => {
    await start();
    const { ann, bob, cat } = await threeAccounts();
    const id = await post(ann, 'soon gone');
    await t.drain();
    await repost(bob, id);
    await t.drain();
    expect(await shown(cat)).toEqual([`${id} via bob`]);
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${id}` })).statusCode).toBe(204);
    expect(await shown(cat)).toEqual([]);
    await t.drain();
    expect(await t.ctx.store.reposts.get(id, 'bob')).toBeNull();
    expect((await t.ctx.store.feeds.page('cat', { limit: 10 })).length).toBe(0);
  });

  it("a muted reposter's reposts leave my feed; a status by someone I block is never reposted into it", async () => {
    await start();
    const { ann, bob, cat } = await threeAccounts();
    const id = await post(ann, 'by ann');
    await t.drain();
    await repost(bob, id);
    await t.drain();
    expect(await shown(cat)).toEqual([`${id} via bob`]);
    expect((await t.as(cat, { method: 'PUT', url: '/api/v1/me/blocks/ann' })).statusCode).toBe(200);
    expect(await shown(cat)).toEqual([]);
    expect(await reposters(ann, id)).toEqual(['bob']);
    expect((await repost(cat, id)).statusCode).toBe(404); // across a block the status is not there
    expect((await t.as(cat, { method: 'DELETE', url: '/api/v1/me/blocks/ann' })).statusCode).toBe(200);
    await t.drain();
    expect(await shown(cat)).toEqual([`${id} via bob`]);
    expect((await t.as(cat, { method: 'PUT', url: '/api/v1/me/mutes/bob' })).statusCode).toBe(200);
    expect(await shown(cat)).toEqual([]);
    // Blocked accounts never appear in the list of reposters.
    expect((await t.as(bob, { method: 'PUT', url: '/api/v1/me/blocks/ann' })).statusCode).toBe(200);
    expect(await reposters(cat, id)).toEqual(['bob']);
    await t.drain();
    // bob's block ended nothing of cat's: the list as ann sees it leaves bob out.
    expect((await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${id}/reposts` })).statusCode).toBe(200);
    expect(await reposters(ann, id)).toEqual([]);
  });

  it('an unfollow takes the reposts of the one unfollowed out of my feed', async () => {
    await start();
    const { ann, bob, cat } = await threeAccounts();
    const id = await post(ann, 'x');
    await t.drain();
    await repost(bob, id);
    await t.drain();
    expect(await shown(cat)).toEqual([`${id} via bob`]);
    await t.as(cat, { method: 'DELETE', url: '/api/v1/me/followees/bob' });
    await t.drain();
    expect(await shown(cat)).toEqual([]);
  });

  it('hybrid: a pulled account reposting, and a pulled account reposted, both show', async () => {
    await start({ FANOUT_PULL_THRESHOLD: '2' });
    const { ann, bob, cat } = await threeAccounts();
    for (const fan of ['fan1', 'fan2']) await follow(await t.register(fan), 'bob');
    for (const fan of ['gus1', 'gus2', 'gus3']) await follow(await t.register(fan), 'ann');
    await t.drain();
    const pulledPost = await post(ann, 'ann is pulled'); // 3 followers > 2
    const bobPost = await post(bob, 'bob is pulled too'); // 3 followers > 2
    await t.drain();
    await repost(bob, pulledPost);
    await t.drain();
    expect(await shown(cat)).toEqual([`${pulledPost} via bob`, bobPost]);
    expect((await t.ctx.store.feeds.page('cat', { limit: 10 })).length).toBe(0); // merged at read time
    await undo(bob, pulledPost);
    expect(await shown(cat)).toEqual([bobPost]);
    // A pushed reposter (dan, 1 follower) of a pulled account's status.
    const dan = await t.register('dan');
    await follow(cat, 'dan');
    await t.drain();
    await repost(dan, pulledPost);
    await t.drain();
    expect(await shown(cat)).toEqual([`${pulledPost} via dan`, bobPost]);
    void ann;
  });

  it('a reposter deleting their account: their reposts leave feeds and the count', async () => {
    await start();
    const { ann, bob, cat } = await threeAccounts();
    const id = await post(ann, 'x');
    await t.drain();
    await repost(bob, id);
    await t.drain();
    expect(await shown(cat)).toEqual([`${id} via bob`]);
    const del = await t.as(bob, { method: 'DELETE', url: '/api/v1/me', payload: { password: 'correct horse' } });
    expect(del.statusCode).toBeLessThan(300);
    await t.drain();
    expect(await shown(cat)).toEqual([]);
    expect((await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${id}` })).json<Item>().repostCount).toBe(0);
  });
});
