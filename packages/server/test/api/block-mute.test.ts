import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/ports/clock.js';
import type { DeliveryRepo, FeedRepo } from '../../src/ports/store.js';
import { openTestStores } from '../support/aws-local.js';
import { TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Block and mute through the HTTP API, on the real app (SQLite file, or DynamoDB/SQS with TWEETER_TEST_SHAPE).

const apps = useTestApps();

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';

function client(t: TestApp) {
  const call = (token: string, method: Method, url: string, payload?: unknown) =>
    t.as(token, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    call,
    async ok(token: string, method: Method, url: string, payload?: unknown) {
      const res = await call(token, method, url, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.statusCode === 204 ? undefined : res.json();
    },
    async post(token: string, text: string): Promise<string> {
      return (await this.ok(token, 'POST', '/statuses', { post: text })).id as string;
    },
    async feed(token: string): Promise<string[]> {
      const page = await this.ok(token, 'GET', '/me/feed?limit=100');
      return (page.items as { id: string }[]).map((s) => s.id);
    },
    async story(token: string, alias: string): Promise<string[]> {
      const page = await this.ok(token, 'GET', `/users/${alias}/story`);
      return (page.items as { id: string }[]).map((s) => s.id);
    },
  };
}

async function setup(env: Record<string, string> = {}) {
  const t = await apps.start(env);
  const api = client(t);
  const ann = await t.register('ann');
  const bob = await t.register('bob');
  const cat = await t.register('cat');
  return { t, api, ann, bob, cat };
}

describe('block', () => {
  it('ends both follows (counts corrected), purges both feeds, and shows on both profiles', async () => {
    const { t, api, ann, bob, cat } = await setup();
    await api.ok(ann, 'PUT', '/me/followees/bob');
    await api.ok(bob, 'PUT', '/me/followees/ann');
    await api.ok(cat, 'PUT', '/me/followees/bob');
    const fromBob = await api.post(bob, 'bob speaks');
    const fromAnn = await api.post(ann, 'ann speaks');
    await t.drain();
    expect(await api.feed(ann)).toContain(fromBob);
    expect(await api.feed(bob)).toContain(fromAnn);

    const profile = await api.ok(ann, 'PUT', '/me/blocks/bob');
    expect(profile).toMatchObject({
      alias: 'bob',
      followedByMe: false,
      blockedByMe: true,
      mutedByMe: false,
      blocksMe: false,
    });
    expect(await api.ok(bob, 'GET', '/users/ann')).toMatchObject({
      followedByMe: false,
      blockedByMe: false,
      blocksMe: true,
    });
    // Neither feed shows the other at once (read-time rule), and the purge removes the entries themselves.
    expect(await api.feed(ann)).not.toContain(fromBob);
    expect(await api.feed(bob)).not.toContain(fromAnn);
    await t.drain();
    // Counts corrected (on DynamoDB they converge: exact once the jobs have run).
    expect(await api.ok(ann, 'GET', '/users/bob')).toMatchObject({ followerCount: 1, followeeCount: 0 }); // cat stays
    expect(await api.ok(bob, 'GET', '/users/ann')).toMatchObject({ followerCount: 0, followeeCount: 0 });
    expect(await t.ctx.store.feeds.page('ann', { limit: 100 })).toEqual([]);
    expect(await t.ctx.store.feeds.page('bob', { limit: 100 })).toEqual([]);
    expect(await api.feed(cat)).toEqual([fromBob]);
    // Idempotent.
    expect(await api.ok(ann, 'PUT', '/me/blocks/bob')).toMatchObject({ blockedByMe: true });
  });

  it('hides statuses, stories and comments both ways, and refuses follows, comments, reactions and boards', async () => {
    const { t, api, ann, bob, cat } = await setup();
    const annStatus = await api.post(ann, 'by ann');
    const bobStatus = await api.post(bob, 'by bob');
    const catStatus = await api.post(cat, 'by cat');
    await api.ok(bob, 'POST', `/statuses/${catStatus}/comments`, { text: 'bob was here' });
    await api.ok(ann, 'POST', `/statuses/${catStatus}/comments`, { text: 'ann was here' });
    const board = await api.ok(bob, 'POST', '/boards', { name: 'b', visibility: 'public' });
    await api.ok(ann, 'PUT', '/me/blocks/bob');
    await t.drain();

    for (const [viewer, other, status] of [
      [ann, 'bob', bobStatus],
      [bob, 'ann', annStatus],
    ] as const) {
      const get = await api.call(viewer, 'GET', `/statuses/${status}`);
      expect(get.statusCode).toBe(404);
      expect(get.json().error.code).toBe('not_found');
      expect(await api.story(viewer, other)).toEqual([]);
      for (const [method, url, payload] of [
        ['PUT', `/statuses/${status}/reactions/like`, undefined],
        ['POST', `/statuses/${status}/comments`, { text: 'hi' }],
        ['GET', `/statuses/${status}/comments`, undefined],
      ] as const) {
        const res = await api.call(viewer, method, url, payload);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
      const follow = await api.call(viewer, 'PUT', `/me/followees/${other}`);
      expect(follow.statusCode).toBe(403);
      expect(follow.json().error.code).toBe('forbidden');
    }
    // Comments on a third party's status: each side's comments are left out for the other, not for cat.
    const texts = async (token: string) =>
      ((await api.ok(token, 'GET', `/statuses/${catStatus}/comments`)).items as { text: string }[]).map((c) => c.text);
    expect(await texts(ann)).toEqual(['ann was here']);
    expect(await texts(bob)).toEqual(['bob was here']);
    expect(await texts(cat)).toEqual(['bob was here', 'ann was here']);
    // bob cannot add ann to his board (nor she him to hers).
    const add = await api.call(bob, 'PUT', `/boards/${board.id}/members/ann`, { role: 'member' });
    expect(add.statusCode).toBe(403);
    // cat sees everyone; unblocking restores what ann sees, not the follows.
    expect(await api.story(cat, 'ann')).toEqual([annStatus]);
    expect(await api.ok(ann, 'DELETE', '/me/blocks/bob')).toMatchObject({ blockedByMe: false, followedByMe: false });
    expect((await api.ok(ann, 'GET', `/statuses/${bobStatus}`)).id).toBe(bobStatus);
    await api.ok(bob, 'PUT', '/me/followees/ann');
  });

  it('a fan-out in flight when the block lands leaves nothing in the blocked feed', async () => {
    const dataDir = apps.tempDir('tweeter-block-race-');
    const env = { WORKER_CONCURRENCY: '2' };
    const real = await openTestStores(loadConfig({ ...TEST_ENV, ...env, DATA_DIR: dataDir }), systemClock);
    let purged: () => void = () => undefined;
    const purgeRan = new Promise<void>((resolve) => (purged = resolve));
    const feeds: FeedRepo = Object.create(real.store.feeds) as FeedRepo;
    feeds.removeByAuthor = async (owner, author) => {
      const removed = await real.store.feeds.removeByAuthor(owner, author);
      if (owner === 'bob' && author === 'ann') purged();
      return removed;
    };
    let block: (() => Promise<void>) | undefined;
    const deliveries: DeliveryRepo = Object.create(real.store.deliveries) as DeliveryRepo;
    deliveries.deliverSmall = undefined; // the plan job's own path: planned, then written
    deliveries.deliverRange = async (delivery, range, options) => {
      const before = block;
      block = undefined;
      if (before) {
        await before();
        await purgeRan;
      }
      return real.store.deliveries.deliverRange(delivery, range, options);
    };
    const t = await apps.start(env, { dataDir, stores: { ...real, store: { ...real.store, feeds, deliveries } } });
    const api = client(t);
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    for (const fan of [bob, cat]) await api.ok(fan, 'PUT', '/me/followees/ann');
    await t.drain();
    block = async () => void (await api.ok(ann, 'PUT', '/me/blocks/bob'));
    const id = await api.post(ann, 'hello');
    await purgeRan;
    await t.drain();
    expect(block).toBeUndefined(); // the interleaving happened
    expect(await api.feed(cat)).toEqual([id]);
    expect(await real.store.feeds.page('bob', { limit: 100 })).toEqual([]);
  });
});

describe('mute', () => {
  it('takes existing entries out of my feed, keeps new ones from reaching it, and tells the muted nothing', async () => {
    const { t, api, ann, bob } = await setup();
    await api.ok(ann, 'PUT', '/me/followees/bob');
    await api.ok(bob, 'PUT', '/me/followees/ann');
    const before = await api.post(bob, 'before the mute');
    await t.drain();
    expect(await api.feed(ann)).toEqual([before]);

    expect(await api.ok(ann, 'PUT', '/me/mutes/bob')).toMatchObject({
      mutedByMe: true,
      blockedByMe: false,
      followedByMe: true, // a mute keeps the follow
    });
    expect(await api.feed(ann)).toEqual([]);
    const after = await api.post(bob, 'after the mute');
    await t.drain();
    expect(await api.feed(ann)).toEqual([]);
    expect(await t.ctx.store.feeds.page('ann', { limit: 100 })).toEqual([]);
    // Still visible where ann goes to look (Mastodon's behaviour).
    expect(await api.story(ann, 'bob')).toEqual([after, before]);
    expect((await api.ok(ann, 'GET', `/statuses/${after}`)).id).toBe(after);
    // bob is not told: his view of ann is what it was, and ann's statuses still reach him.
    const seen = await api.ok(bob, 'GET', '/users/ann');
    expect(seen).toMatchObject({ blocksMe: false, blockedByMe: false, mutedByMe: false, followedByMe: true });
    const fromAnn = await api.post(ann, 'ann to bob');
    await t.drain();
    expect(await api.feed(bob)).toEqual([fromAnn]);
    // Unmute: new statuses reach ann again.
    await api.ok(ann, 'DELETE', '/me/mutes/bob');
    const later = await api.post(bob, 'after the unmute');
    await t.drain();
    expect(await api.feed(ann)).toContain(later);
  });

  it('leaves a pulled (hybrid) author out of the feed read', async () => {
    const { t, api, ann, bob, cat } = await setup({ FANOUT_PULL_THRESHOLD: '1' });
    await api.ok(ann, 'PUT', '/me/followees/bob');
    await api.ok(cat, 'PUT', '/me/followees/bob');
    const id = await api.post(bob, 'pulled'); // two followers: above the threshold
    await t.drain();
    expect(await api.feed(ann)).toEqual([id]);
    await api.ok(ann, 'PUT', '/me/mutes/bob');
    expect(await api.feed(ann)).toEqual([]);
    expect(await api.feed(cat)).toEqual([id]);
  });
});

describe('lists and bad input', () => {
  it('lists whom I block and mute by alias, in pages', async () => {
    const { t, api, ann } = await setup();
    for (const alias of ['dan', 'eve', 'fay']) await t.register(alias);
    for (const alias of ['fay', 'bob', 'eve']) await api.ok(ann, 'PUT', `/me/blocks/${alias}`);
    await api.ok(ann, 'PUT', '/me/mutes/dan');
    const first = await api.ok(ann, 'GET', '/me/blocks?limit=2');
    expect(first.items.map((u: { alias: string }) => u.alias)).toEqual(['bob', 'eve']);
    const second = await api.ok(ann, 'GET', `/me/blocks?limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ alias: 'fay' }], nextCursor: null });
    expect((await api.ok(ann, 'GET', '/me/mutes')).items).toEqual([
      { alias: 'dan', firstName: expect.any(String), lastName: expect.any(String), imageUrl: null },
    ]);
  });

  it('400 for myself, 404 for an unknown alias, 429 limit_reached past RELATIONS_MAX', async () => {
    const { t, api, ann } = await setup({ RELATIONS_MAX: '2' });
    await t.register('dan');
    for (const list of ['blocks', 'mutes']) {
      const self = await api.call(ann, 'PUT', `/me/${list}/ann`);
      expect(self.statusCode).toBe(400);
      expect(self.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'params.alias' }] });
      expect((await api.call(ann, 'PUT', `/me/${list}/nobody`)).statusCode).toBe(404);
      expect((await api.call(ann, 'DELETE', `/me/${list}/nobody`)).statusCode).toBe(404);
      expect((await api.call(ann, 'PUT', `/me/${list}/NO!`)).statusCode).toBe(400);
      await api.ok(ann, 'PUT', `/me/${list}/bob`);
      await api.ok(ann, 'PUT', `/me/${list}/cat`);
      const full = await api.call(ann, 'PUT', `/me/${list}/dan`);
      expect(full.statusCode).toBe(429);
      expect(full.json().error.code).toBe('limit_reached');
      // Undoing one makes room; an existing edge is still fine at the bound.
      await api.ok(ann, 'PUT', `/me/${list}/bob`);
      await api.ok(ann, 'DELETE', `/me/${list}/bob`);
      await api.ok(ann, 'PUT', `/me/${list}/dan`);
    }
  });
});
