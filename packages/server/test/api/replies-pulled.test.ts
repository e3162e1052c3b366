import { describe, expect, it } from 'vitest';
import { followAs, postStatus } from '../support/status-calls.js';
import { type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// The reply feed rule for a pulled account (above FANOUT_PULL_THRESHOLD), whose statuses are merged into feeds at
// read time instead of fanned out: its reply reaches only the readers who also follow the one it answers, as a pushed
// reply does. On SQLite (npm test) and on DynamoDB/SQS (npm run test:aws).
const apps = useTestApps();
let t: TestApp;

const post = (token: string, text: string, inReplyToId?: string): Promise<string> =>
  postStatus(t, token, text, inReplyToId);
const follow = (token: string, alias: string): Promise<void> => followAs(t, token, alias);
/** The ids on every page of the feed, `limit` a page. */
async function feedIds(token: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | null = null, n = 0; n < 20; n++) {
    const query: string = cursor === null ? `limit=${limit}` : `limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
    const res = await t.as(token, { method: 'GET', url: `/api/v1/me/feed?${query}` });
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return ids;
}

describe('a pulled account replying', () => {
  it('reaches only the readers who also follow the one it answers, on every page', async () => {
    t = await apps.start({ FANOUT_PULL_THRESHOLD: '2' });
    const bob = await t.register('bob');
    const dan = await t.register('dan');
    const cat = await t.register('cat');
    const eve = await t.register('eve');
    for (const token of [cat, eve]) await follow(token, 'bob');
    await follow(await t.register('fan1'), 'bob'); // bob: 3 followers, pulled
    await follow(eve, 'dan');
    await t.drain();
    const d1 = await post(dan, 'dan asks');
    await t.drain();
    const b1 = await post(bob, 'bob says');
    const reply = await post(bob, 'bob answers dan', d1);
    const self = await post(bob, 'bob answers himself', b1);
    const b2 = await post(bob, 'bob again');
    await t.drain();
    expect((await t.ctx.store.feeds.page('cat', { limit: 10 })).length).toBe(0); // merged at read time
    // cat does not follow dan: not the reply to dan; the reply to bob himself, yes.
    for (const limit of [1, 2, 20]) expect(await feedIds(cat, limit)).toEqual([b2, self, b1]);
    // eve follows dan too: the reply reaches her.
    for (const limit of [1, 3, 20]) expect(await feedIds(eve, limit)).toEqual([b2, self, reply, b1, d1]);
    // dan, answered, sees it only by following bob (as with a pushed reply).
    expect(await feedIds(dan, 20)).toEqual([]);
    await follow(dan, 'bob');
    await t.drain();
    expect(await feedIds(dan, 20)).toEqual([b2, self, reply, b1]);
    // cat follows dan: now the reply shows there too.
    await follow(cat, 'dan');
    await t.drain();
    expect(await feedIds(cat, 2)).toEqual([b2, self, reply, b1, d1]);
  });
});
