import { describe, expect, it } from 'vitest';
import { PNG_1PX } from '../support/test-app.js';
import { ManualClock } from '../support/manual-clock.js';
import { socialApi } from '../support/social.js';
import { TestStreamClient } from '../support/ws-client.js';
import { useTestApp, useTestApps } from '../support/use-test-app.js';

// DELETE /api/v1/me: what stops at once, what the account.delete jobs remove, what stays, and the alias reservation.

const clock = new ManualClock(Date.now());
const t = useTestApp(() => ({ env: { LOGIN_MAX_FAILURES: '3' }, overrides: { clock } }), { per: 'test' });
const apps = useTestApps();

const del = (token: string, password: string) =>
  t.as(token, { method: 'DELETE', url: '/api/v1/me', payload: { password } });
const get = (token: string, url: string) => t.as(token, { method: 'GET', url });
const post = async (token: string, text: string): Promise<string> =>
  (await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } })).json<{ id: string }>().id;
const follow = (token: string, alias: string) => t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` });
const aliases = async (token: string, url: string): Promise<string[]> =>
  (await get(token, url))
    .json<{ items: { alias?: string; user?: { alias: string }; author?: { alias: string } }[] }>()
    .items.map((i) => i.alias ?? i.user?.alias ?? i.author?.alias ?? '?');

describe('DELETE /api/v1/me', () => {
  it('refuses a wrong password with 403, counted by the sign-in limits (429 past them)', async () => {
    const token = await t.register('alice');
    for (let i = 0; i < 3; i++) expect((await del(token, 'wrong horse')).statusCode).toBe(403);
    const limited = await del(token, 'correct horse');
    expect(limited.statusCode).toBe(429);
    expect((await get(token, '/api/v1/me')).statusCode).toBe(200);
  });

  it('refuses a body without a password with 400', async () => {
    const token = await t.register('alice');
    const res = await t.as(token, { method: 'DELETE', url: '/api/v1/me', payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('ends the account at once, then removes what it left, correcting the counts of others', async () => {
    const s = socialApi(t);
    const alice = await t.register('alice', { image: { type: 'image/png', data: PNG_1PX.toString('base64') } });
    const [bob, carol, dave, erin] = [
      await t.register('bob'),
      await t.register('carol'),
      await t.register('dave'),
      await t.register('erin'),
    ];
    const imageUrl = (await get(alice, '/api/v1/me')).json<{ imageUrl: string }>().imageUrl;
    const picture = () => t.inject({ method: 'GET', url: new URL(imageUrl, 'http://localhost').pathname });
    expect((await picture()).statusCode).toBe(200);
    expect((await follow(bob, 'alice')).statusCode).toBe(200);
    expect((await follow(alice, 'carol')).statusCode).toBe(200);
    expect((await follow(carol, 'bob')).statusCode).toBe(200);
    const mine = await post(alice, 'hello from alice');
    const older = await post(alice, 'an older one');
    const carols = await post(carol, 'hello from carol');
    await t.drain();
    expect(await aliases(bob, '/api/v1/me/feed')).toEqual(['alice', 'alice']);
    await s.reactStatus(bob, mine, 'like');
    await t.as(bob, { method: 'POST', url: `/api/v1/statuses/${mine}/comments`, payload: { text: 'nice' } });
    // A board passed on (dave, its moderator), one deleted (no moderator), and a membership of erin's board.
    const kept = await s.createBoard(alice, { name: 'kept' });
    expect((await s.putMember(alice, kept.id, 'dave', 'moderator')).statusCode).toBe(200);
    expect((await s.putMember(alice, kept.id, 'bob', 'member')).statusCode).toBe(200);
    const gone = await s.createBoard(alice, { name: 'gone' });
    await s.postOk(alice, gone.id, 'a message');
    expect((await s.putMember(alice, gone.id, 'bob', 'member')).statusCode).toBe(200);
    const erins = await s.createBoard(erin, { name: 'erins' });
    expect((await s.putMember(alice, erins.id, 'alice', 'member')).statusCode).toBe(200);

    // What alice wrote on others' things: a reaction and a comment on carol's status, a message on erin's board.
    await s.reactStatus(alice, carols, 'heart');
    await s.reactStatus(bob, carols, 'like');
    await t.as(alice, { method: 'POST', url: `/api/v1/statuses/${carols}/comments`, payload: { text: 'hi carol' } });
    const onErins = await s.postOk(alice, erins.id, 'on erins board');
    await s.reactMessage(erin, erins.id, onErins.id, 'like');
    const erinsOwn = await s.postOk(erin, erins.id, 'erin here');
    const seenBefore = (await get(bob, `/api/v1/statuses/${carols}`)).json();
    expect([seenBefore.reactions.heart, seenBefore.commentCount]).toEqual([1, 1]);

    // A second session, never used: its first request comes after the deletion (the account check is cached).
    const other = await t.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { alias: 'alice', password: 'correct horse' },
    });
    const unused = other.json<{ token: string }>().token;

    const res = await del(alice, 'correct horse');
    expect(res.statusCode).toBe(204);

    // At once: the tokens, sign-in, the profile, the statuses, the lists.
    expect((await get(alice, '/api/v1/me')).statusCode).toBe(401);
    expect((await get(unused, '/api/v1/me')).statusCode).toBe(401);
    const login = await t.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { alias: 'alice', password: 'correct horse' },
    });
    expect(login.statusCode).toBe(401);
    expect((await get(bob, '/api/v1/users/alice')).statusCode).toBe(404);
    expect((await get(bob, `/api/v1/statuses/${mine}`)).statusCode).toBe(404);
    expect(await aliases(bob, '/api/v1/me/feed')).toEqual([]);
    expect(await aliases(bob, '/api/v1/users/carol/followers')).toEqual([]);
    expect(await aliases(dave, `/api/v1/boards/${erins.id}/members`)).toEqual(['erin']);
    const again = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { alias: 'alice', firstName: 'A', lastName: 'B', password: 'password1' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('alias_taken');

    await t.drain();
    const store = t.ctx.store;
    expect((await store.deletions.get('alice'))?.step).toBe('done');
    expect((await store.follows.followers('alice', { limit: 10 })).items).toEqual([]);
    expect((await store.follows.followees('alice', { limit: 10 })).items).toEqual([]);
    expect(await store.feeds.page('bob', { limit: 10 })).toEqual([]);
    expect(await store.statuses.byAuthor('alice', { limit: 10 })).toEqual([]);
    expect(await store.statuses.getMany([mine, older])).toEqual(new Map());
    // bob's comment on her status is a reply, a status of bob's: it stays, in its place under her deleted status.
    expect((await store.comments.list(mine, { limit: 10 })).map((c) => [c.author, c.text, c.deleted])).toEqual([
      ['bob', 'nice', false],
    ]);
    expect((await store.reactions.counts('status', [mine])).get(mine)).toBeUndefined();
    expect(await store.members.boardsOf('alice', { limit: 10 })).toEqual([]);
    const bobs = (await get(bob, '/api/v1/users/bob')).json();
    expect([bobs.followerCount, bobs.followeeCount]).toEqual([1, 0]);
    expect((await get(bob, '/api/v1/users/carol')).json().followerCount).toBe(0);
    const seen = (await get(bob, `/api/v1/statuses/${carols}`)).json();
    expect([seen.reactions.heart, seen.reactions.like, seen.commentCount]).toEqual([0, 1, 0]);
    expect(await store.comments.list(carols, { limit: 10 })).toEqual([]);
    expect(await store.messages.get(erins.id, onErins.id)).toBeNull();
    expect((await store.reactions.counts('message', [onErins.id])).get(onErins.id)).toBeUndefined();
    expect((await s.messagesOk(erin, erins.id)).items.map((m) => m.id)).toEqual([erinsOwn.id]);
    const handed = (await s.getBoard(dave, kept.id)).json();
    expect([handed.owner.alias, handed.memberCount, handed.myRole]).toEqual(['dave', 2, 'owner']);
    expect((await s.getBoard(bob, gone.id)).statusCode).toBe(404);
    expect(await store.boards.get(gone.id)).toBeNull();
    expect(await store.messages.idsBefore(gone.id, '~', 10)).toEqual([]);
    expect((await s.getBoard(erin, erins.id)).json().memberCount).toBe(1);
    expect((await picture()).statusCode).toBe(404);
  });

  // On aws-local through the local WebSocket gateway and the Lambda handler (API Gateway's transport); else `ws`.
  it('closes the live connections of the account, and only those', async () => {
    const app = await apps.start({}, { gatewayStream: true });
    const alice = await app.register('alice');
    const bob = await app.register('bob');
    const url = await app.streamUrl();
    const [mine, again, other] = await Promise.all([
      TestStreamClient.open(url, alice),
      TestStreamClient.open(url, alice),
      TestStreamClient.open(url, bob),
    ]);
    try {
      for (const c of [mine, again, other]) await c.request({ type: 'subscribe', channel: 'feed' });
      const res = await app.as(alice, { method: 'DELETE', url: '/api/v1/me', payload: { password: 'correct horse' } });
      expect(res.statusCode).toBe(204);
      // API Gateway's DeleteConnection closes without our code (as for a sign-out); `ws` closes with 4401.
      const code = app.gateway ? 1000 : 4401;
      for (const c of [mine, again]) expect((await c.closed).code).toBe(code);
      expect(await other.request({ type: 'ping' })).toMatchObject({ type: 'ack' });
    } finally {
      for (const c of [mine, again, other]) c.ws.terminate();
    }
  });

  it('keeps the alias reserved for 30 days, then the sweep frees it', async () => {
    const alice = await t.register('alice');
    expect((await del(alice, 'correct horse')).statusCode).toBe(204);
    await t.drain();
    const register = () =>
      t.inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: { alias: 'alice', firstName: 'New', lastName: 'Alice', password: 'password1' },
      });
    clock.advance(29 * 86_400_000);
    await t.ctx.scheduler.runNow();
    await t.drain();
    expect((await register()).statusCode).toBe(409);
    clock.advance(86_400_000 + 1);
    await t.ctx.scheduler.runNow();
    await t.drain();
    const fresh = await register();
    expect(fresh.statusCode).toBe(201);
    // The old account's token does not work for the new one.
    expect((await get(alice, '/api/v1/me')).statusCode).toBe(401);
    expect((await get(fresh.json<{ token: string }>().token, '/api/v1/me')).json().firstName).toBe('New');
  });

  it('stops the statuses reaching followers when deleted mid-fan-out', async () => {
    const app = await apps.start({}, { workers: false });
    const author = await app.register('alice');
    const followers = await Promise.all(['bob', 'carol', 'dave'].map((a) => app.register(a)));
    for (const f of followers) await app.as(f, { method: 'PUT', url: '/api/v1/me/followees/alice' });
    await app.as(author, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'in flight' } });
    const res = await app.as(author, { method: 'DELETE', url: '/api/v1/me', payload: { password: 'correct horse' } });
    expect(res.statusCode).toBe(204);
    app.ctx.workers.start();
    await app.drain();
    for (const f of ['bob', 'carol', 'dave']) expect(await app.ctx.store.feeds.page(f, { limit: 10 })).toEqual([]);
  });
});
