import { describe, expect, it } from 'vitest';
import { eventually, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Hybrid fan-out through the HTTP API: with FANOUT_PULL_THRESHOLD=3, an author with 4 followers is pulled (its
// statuses are merged into feeds at read time, no feed rows), one with 3 or fewer is pushed as usual.
const apps = useTestApps();
let t: TestApp;

interface Item {
  id: string;
  post: string;
  author: { alias: string };
}
interface FeedPage {
  items: Item[];
  nextCursor: string | null;
}

async function start(threshold = '3', env: Record<string, string> = {}, gatewayStream = false): Promise<void> {
  // gatewayStream: on aws-local (npm run test:aws) the stream runs through the local API Gateway and DynamoDB records.
  t = await apps.start({ FANOUT_PULL_THRESHOLD: threshold, ...env }, { gatewayStream });
}

const post = async (token: string, text: string): Promise<string> => {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
};
const follow = async (token: string, alias: string) =>
  expect((await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
const unfollow = async (token: string, alias: string) =>
  expect((await t.as(token, { method: 'DELETE', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
const feed = async (token: string, query = ''): Promise<FeedPage> => {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/me/feed${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<FeedPage>();
};
const feedIds = async (token: string, query = '') => (await feed(token, query)).items.map((s) => s.id);
const delivery = async (token: string, id: string) =>
  (await t.as(token, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` })).json<Record<string, unknown>>();
/** Feed rows written for `owner` (the store itself: a pulled status must have none). */
const rows = async (owner: string) => (await t.ctx.store.feeds.page(owner, { limit: 100 })).map((e) => e.statusId);
const newestFirst = (ids: string[]) => [...ids].sort().reverse();

/** `celeb` with `count` followers (fan1..fanN), each signed in; returns the tokens by alias. */
async function celebrity(count: number, alias = 'celeb'): Promise<{ celeb: string; fans: Map<string, string> }> {
  const celeb = await t.register(alias);
  const fans = new Map<string, string>();
  for (let i = 1; i <= count; i++) {
    const token = await t.register(`fan${i}_${alias}`);
    await follow(token, alias);
    fans.set(`fan${i}_${alias}`, token);
  }
  await t.drain();
  return { celeb, fans };
}

describe('a pulled account (more followers than FANOUT_PULL_THRESHOLD)', () => {
  it('writes no feed rows, reports the delivery done at once as pulled, and is in the next feed page', async () => {
    await start();
    const { celeb, fans } = await celebrity(4);
    const id = await post(celeb, 'to all four of you');
    // No drain: nothing is queued to make it visible.
    expect(await delivery(celeb, id)).toEqual({ state: 'done', audience: 4, delivered: 4, pulled: true });
    for (const [alias, token] of fans) {
      expect(await feedIds(token)).toEqual([id]);
      expect(await rows(alias)).toEqual([]);
    }
    await t.drain();
    for (const alias of fans.keys()) expect(await rows(alias)).toEqual([]);
    expect((await t.ctx.store.users.get('celeb'))?.pulledSince).toBe(id);
  });

  it('is not pulled at the threshold itself: 3 followers are pushed, and the delivery does not say pulled', async () => {
    await start();
    const { celeb, fans } = await celebrity(3);
    const id = await post(celeb, 'three followers');
    await t.drain();
    expect(await delivery(celeb, id)).toEqual({ state: 'done', audience: 3, delivered: 3 });
    for (const alias of fans.keys()) expect(await rows(alias)).toEqual([id]);
  });

  it('merges pushed and pulled statuses newest first, and pages them with a stable cursor under interleaved posts', async () => {
    await start();
    const { celeb, fans } = await celebrity(4);
    const viewer = fans.get('fan1_celeb') as string;
    const friend = await t.register('friend');
    await follow(viewer, 'friend');
    await t.drain();
    const before: string[] = [];
    for (let i = 0; i < 6; i++) {
      before.push(await post(celeb, `celeb ${i}`));
      before.push(await post(friend, `friend ${i}`));
    }
    await t.drain();
    expect(await rows('fan1_celeb')).toEqual(newestFirst(before.filter((_, i) => i % 2 === 1)));

    const seen: string[] = [];
    const later: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: FeedPage = await feed(viewer, `?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
      // Both kinds of authors post between page reads: nothing may shift the pages still to come.
      later.push(await post(celeb, `celeb later ${pages}`), await post(friend, `friend later ${pages}`));
      await t.drain();
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst(before));
    expect(await feedIds(viewer, '?limit=100')).toEqual(newestFirst([...before, ...later]));
  });

  it('takes a deleted status out of every feed at once, and tells connected followers through the hub', async () => {
    await start();
    const { celeb, fans } = await celebrity(4);
    const keep = await post(celeb, 'keep');
    const gone = await post(celeb, 'gone');
    const viewer = fans.get('fan2_celeb') as string;
    expect(await feedIds(viewer)).toEqual([gone, keep]);
    expect((await t.as(celeb, { method: 'DELETE', url: `/api/v1/statuses/${gone}` })).statusCode).toBe(204);
    for (const token of fans.values()) expect(await feedIds(token)).toEqual([keep]);
    await t.drain();
    expect(await feedIds(viewer)).toEqual([keep]);
  });

  it('stops merging on unfollow, and a new follower sees its statuses without any rows backfilled', async () => {
    await start();
    const { celeb, fans } = await celebrity(4);
    const id = await post(celeb, 'hello');
    const leaver = fans.get('fan3_celeb') as string;
    await unfollow(leaver, 'celeb');
    expect(await feedIds(leaver)).toEqual([]);
    await t.drain();

    const newcomer = await t.register('newcomer');
    await follow(newcomer, 'celeb');
    await t.drain(); // the backfill job has run
    expect(await rows('newcomer')).toEqual([]);
    expect(await feedIds(newcomer)).toEqual([id]);
  });

  it('crossing the threshold upwards neither loses nor repeats a status, and the mark sticks downwards', async () => {
    await start();
    const { celeb, fans } = await celebrity(3);
    const pushed = await post(celeb, 'pushed while small');
    await t.drain();
    const viewer = fans.get('fan1_celeb') as string;
    expect(await rows('fan1_celeb')).toEqual([pushed]);
    // Read before the account is pulled: the process's copy of the pulled accounts (none) is forgotten by the mark.
    expect(await feedIds(viewer)).toEqual([pushed]);

    const fourth = await t.register('fourth');
    await follow(fourth, 'celeb');
    await t.drain();
    const pulled = await post(celeb, 'pulled once big');
    expect((await delivery(celeb, pulled)).pulled).toBe(true);
    // The pushed status is in the viewer's rows and in the celebrity's story: the merge shows it once.
    expect(await feedIds(viewer)).toEqual([pulled, pushed]);
    expect(await feedIds(viewer, '?limit=1')).toEqual([pulled]);

    // Back under the threshold: still pulled (its pulled statuses have no rows to fall back on).
    await unfollow(fourth, 'celeb');
    await unfollow(fans.get('fan3_celeb') as string, 'celeb');
    await t.drain();
    const after = await post(celeb, 'still pulled');
    expect((await delivery(celeb, after)).pulled).toBe(true);
    expect(await feedIds(viewer)).toEqual([after, pulled, pushed]);
    expect(await rows('fan1_celeb')).toEqual([pushed]);
  });

  it('merges at most FEED_PULL_MAX pulled accounts into one feed, the first by alias', async () => {
    await start('1', { FEED_PULL_MAX: '2' });
    const viewer = await t.register('viewer');
    const other = await t.register('other');
    const ids = new Map<string, string>();
    for (const alias of ['pull_a', 'pull_b', 'pull_c']) {
      const token = await t.register(alias);
      await follow(viewer, alias);
      await follow(other, alias);
      await t.drain();
      ids.set(alias, await post(token, `from ${alias}`));
    }
    expect(await feedIds(viewer)).toEqual(newestFirst([ids.get('pull_a') as string, ids.get('pull_b') as string]));
  });
});

describe('FANOUT_PULL_THRESHOLD=0', () => {
  it('pushes every post, however many followers', async () => {
    await start('0');
    const { celeb, fans } = await celebrity(5);
    const id = await post(celeb, 'pushed to five');
    await t.drain();
    expect(await delivery(celeb, id)).toEqual({ state: 'done', audience: 5, delivered: 5 });
    for (const alias of fans.keys()) expect(await rows(alias)).toEqual([id]);
    expect((await t.ctx.store.users.get('celeb'))?.pulledSince ?? null).toBeNull();
  });
});

describe('live events of a pulled account', () => {
  it('pushes feed.status and feed.delete to connected followers only', async () => {
    await start('3', {}, true);
    const { TestStreamClient } = await import('../support/ws-client.js');
    const { celeb, fans } = await celebrity(4);
    const stranger = await t.register('stranger');
    const url = await t.streamUrl();
    const fan = await TestStreamClient.open(url, fans.get('fan4_celeb'));
    const other = await TestStreamClient.open(url, stranger);
    try {
      for (const c of [fan, other])
        expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
      const id = await post(celeb, 'live to the connected');
      await eventually(async () => fan.events('feed.status').some((e) => (e.data as { id: string }).id === id));
      expect((await t.as(celeb, { method: 'DELETE', url: `/api/v1/statuses/${id}` })).statusCode).toBe(204);
      await eventually(async () => fan.events('feed.delete').some((e) => (e.data as { id: string }).id === id));
      await t.drain();
      await t.ctx.realtime.flush();
      expect(other.events('feed.status')).toEqual([]);
      expect(other.events('feed.delete')).toEqual([]);
    } finally {
      fan.close();
      other.close();
    }
  });
});
