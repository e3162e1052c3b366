import { describe, expect, it } from 'vitest';
import { eventually } from '../support/test-app.js';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp({}, { per: 'test' });

const post = (token: string, text: string, headers: Record<string, string> = {}) =>
  t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text }, headers });
const follow = (token: string, alias: string) => t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` });
const unfollow = (token: string, alias: string) =>
  t.as(token, { method: 'DELETE', url: `/api/v1/me/followees/${alias}` });
const feed = async (token: string, query = '') =>
  (await t.as(token, { method: 'GET', url: `/api/v1/me/feed${query}` })).json();
const story = async (token: string, alias: string, query = '') =>
  (await t.as(token, { method: 'GET', url: `/api/v1/users/${alias}/story${query}` })).json();

describe('the course integration test', () => {
  it('logs in, posts, sees the status atop the story, and it reaches a follower feed', async () => {
    await t.register('author', { firstName: 'Ada', lastName: 'Lovelace' });
    const followerToken = await t.register('follower');
    expect((await follow(followerToken, 'author')).statusCode).toBe(200);

    const login = await t.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { alias: 'author', password: 'correct horse' },
    });
    expect(login.statusCode).toBe(201);
    const token = login.json().token as string;

    const before = Date.now();
    const res = await post(token, 'Hello @follower, see https://example.com!');
    expect(res.statusCode).toBe(201);
    const status = res.json();

    const top = (await story(token, 'author')).items[0];
    expect(top.id).toBe(status.id);
    expect(top.post).toBe('Hello @follower, see https://example.com!');
    expect(top.author).toEqual({ alias: 'author', firstName: 'Ada', lastName: 'Lovelace', imageUrl: null });
    const created = new Date(top.createdAt).getTime();
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);
    expect(top.segments.map((s: { type: string }) => s.type)).toEqual(['text', 'mention', 'text', 'url', 'text']);
    expect(top.reactions).toEqual({ like: 0, heart: 0, mine: [] });

    const inFeed = await eventually(async () =>
      (await feed(followerToken)).items.find((s: { id: string }) => s.id === status.id),
    );
    expect(inFeed.post).toBe(status.post);
    await eventually(async () => {
      const d = (await t.as(token, { method: 'GET', url: `/api/v1/statuses/${status.id}/delivery` })).json();
      return d.state === 'done' && d.delivered === 1 && d.audience === 1;
    });
  });
});

describe('posting', () => {
  it.each([
    ['', 'empty'],
    ['   \n  ', 'only whitespace'],
    ['x'.repeat(281), '281 characters'],
  ])('rejects %j (%s) with 400 and writes nothing', async (text) => {
    const token = await t.register('alice');
    const res = await post(token, text);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body.post');
    expect((await story(token, 'alice')).items).toEqual([]);
  });

  it('counts code points: 280 emoji are allowed, and the post is trimmed', async () => {
    const token = await t.register('alice');
    const res = await post(token, `  ${'😀'.repeat(280)}  `);
    expect(res.statusCode).toBe(201);
    expect(res.json().post).toBe('😀'.repeat(280));
  });

  it('rejects a non-string post and unknown content types', async () => {
    const token = await t.register('alice');
    expect((await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: 5 } })).statusCode).toBe(400);
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: 'post=hi',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
  });

  it('with the same Idempotency-Key returns the first status and posts once', async () => {
    const token = await t.register('alice');
    const a = await post(token, 'once', { 'idempotency-key': 'k-1' });
    const b = await post(token, 'once', { 'idempotency-key': 'k-1' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).toBe(a.json().id);
    expect((await story(token, 'alice')).items).toHaveLength(1);
    const other = await post(token, 'different text', { 'idempotency-key': 'k-1' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    // keys are per author
    const bob = await t.register('bob');
    expect((await post(bob, 'once', { 'idempotency-key': 'k-1' })).json().id).not.toBe(a.json().id);
  });

  it('gets one status, 404 for an unknown id', async () => {
    const token = await t.register('alice');
    const s = (await post(token, 'hi')).json();
    expect((await t.as(token, { method: 'GET', url: `/api/v1/statuses/${s.id}` })).json()).toEqual(s);
    const missing = await t.as(token, { method: 'GET', url: '/api/v1/statuses/01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});

describe('deleting', () => {
  it('only the author may delete; it leaves the story, the feed and GET', async () => {
    const alice = await t.register('alice');
    const bob = await t.register('bob');
    await follow(bob, 'alice');
    await t.drain();
    const s = (await post(alice, 'soon gone')).json();
    await t.drain();
    expect((await feed(bob)).items.map((x: { id: string }) => x.id)).toEqual([s.id]);

    const forbidden = await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${s.id}` });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');

    expect((await t.as(alice, { method: 'DELETE', url: `/api/v1/statuses/${s.id}` })).statusCode).toBe(204);
    expect((await feed(bob)).items).toEqual([]); // hidden at once
    expect((await story(alice, 'alice')).items).toEqual([]);
    expect((await t.as(alice, { method: 'GET', url: `/api/v1/statuses/${s.id}` })).statusCode).toBe(404);
    expect((await t.as(alice, { method: 'DELETE', url: `/api/v1/statuses/${s.id}` })).statusCode).toBe(404);
    await t.drain();
    expect(await t.ctx.store.feeds.page('bob', { limit: 10 })).toEqual([]); // and purged
  });
});

describe('follows and feeds', () => {
  it('follow backfills recent statuses; unfollow removes them; both are idempotent with exact counts', async () => {
    const alice = await t.register('alice');
    const bob = await t.register('bob');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(alice, `post ${i}`)).json().id);

    const first = await follow(bob, 'alice');
    expect(first.json()).toMatchObject({ alias: 'alice', followerCount: 1, followedByMe: true });
    expect((await follow(bob, 'alice')).json()).toMatchObject({ followerCount: 1 });
    await t.drain();
    expect((await feed(bob)).items.map((s: { id: string }) => s.id)).toEqual([...ids].reverse());
    expect((await t.as(bob, { method: 'GET', url: '/api/v1/me' })).json().followeeCount).toBe(1);

    const un = await unfollow(bob, 'alice');
    expect(un.json()).toMatchObject({ followerCount: 0, followedByMe: false });
    expect((await unfollow(bob, 'alice')).statusCode).toBe(200);
    await t.drain();
    expect((await feed(bob)).items).toEqual([]);
  });

  it('refuses to follow oneself or an unknown user', async () => {
    const alice = await t.register('alice');
    expect((await follow(alice, 'alice')).statusCode).toBe(400);
    const res = await follow(alice, 'nobody');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    expect((await follow(alice, 'x!')).statusCode).toBe(400);
  });

  it('pages followers and followees with no repeats or gaps', async () => {
    const star = await t.register('star');
    const names = Array.from({ length: 25 }, (_, i) => `fan_${String(i).padStart(2, '0')}`);
    for (const n of names) await follow(await t.register(n), 'star');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=10&cursor=${encodeURIComponent(cursor)}` : '?limit=10';
      const page = (await t.as(star, { method: 'GET', url: `/api/v1/users/star/followers${q}` })).json();
      seen.push(...page.items.map((u: { alias: string }) => u.alias));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    const followees = (await t.as(star, { method: 'GET', url: '/api/v1/users/fan_03/followees' })).json();
    expect(followees).toEqual({
      items: [{ alias: 'star', firstName: 'First', lastName: 'Last', imageUrl: null }],
      nextCursor: null,
    });
    expect((await t.as(star, { method: 'GET', url: '/api/v1/users/star' })).json().followerCount).toBe(25);
  });

  it('pages the feed and story across 3+ pages with no repeats or gaps while new statuses arrive', async () => {
    const alice = await t.register('alice');
    const bob = await t.register('bob');
    await follow(bob, 'alice');
    await t.drain();
    const posted: string[] = [];
    for (let i = 0; i < 25; i++) posted.push((await post(alice, `status ${i}`)).json().id);
    await t.drain();
    const late: string[] = [];
    for (const read of [(q: string) => feed(bob, q), (q: string) => story(bob, 'alice', q)]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let n = 0;
      do {
        const q: string = cursor ? `?limit=10&cursor=${encodeURIComponent(cursor)}` : '?limit=10';
        const page = await read(q);
        seen.push(...page.items.map((s: { id: string }) => s.id));
        cursor = page.nextCursor;
        // a new status between page requests must not shift the pages
        if (n++ === 0) late.push((await post(alice, 'arrives mid-pagination')).json().id);
      } while (cursor);
      expect(seen).toEqual([...posted].reverse());
      await t.drain();
      posted.push(...late.splice(0));
    }
  });

  it('reports fan-out progress truthfully for an author with no followers', async () => {
    const alice = await t.register('alice');
    const s = (await post(alice, 'to nobody')).json();
    await t.drain();
    const d = await t.as(alice, { method: 'GET', url: `/api/v1/statuses/${s.id}/delivery` });
    expect(d.json()).toEqual({ state: 'done', audience: 0, delivered: 0 });
  });
});
