import { describe, expect, it } from 'vitest';
import { solidPng } from '../support/images.js';
import { useTestApp } from '../support/use-test-app.js';

// What an account deletion removes beyond statuses and follows: block and mute edges both ways (others' bound
// counters corrected), uploads attached or not with their blobs, and session rows. Runs on both shapes
// (TWEETER_TEST_SHAPE=aws-local: dynalite and fauxqs).

const t = useTestApp(() => ({ env: { RELATIONS_MAX: '2' } }), { per: 'test' });

const call = (
  token: string,
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
) => t.as(token, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload }) });
const del = (token: string) => call(token, 'DELETE', '/me', { password: 'correct horse' });

describe('DELETE /api/v1/me removes what the account owns beyond its statuses', () => {
  it("removes its blocks and mutes and others' of it, and frees the others' bounded slots", async () => {
    const alice = await t.register('alice');
    const [bob, carol] = [await t.register('bob'), await t.register('carol')];
    for (const a of ['dave', 'erin', 'fay']) await t.register(a);
    // alice blocks and mutes; bob fills his bound of 2 blocks and 2 mutes with alice among them.
    for (const [kind, target] of [
      ['blocks', 'bob'],
      ['mutes', 'carol'],
    ] as const)
      expect((await call(alice, 'PUT', `/me/${kind}/${target}`)).statusCode).toBe(200);
    for (const kind of ['blocks', 'mutes'] as const) {
      for (const target of ['alice', 'dave'])
        expect((await call(bob, 'PUT', `/me/${kind}/${target}`)).statusCode).toBe(200);
      const full = await call(bob, 'PUT', `/me/${kind}/erin`);
      expect(full.statusCode).toBe(429);
    }
    expect((await call(carol, 'PUT', '/me/mutes/alice')).statusCode).toBe(200);

    expect((await del(alice)).statusCode).toBe(204);
    await t.drain();

    const store = t.ctx.store;
    for (const kind of ['block', 'mute'] as const) {
      expect((await store.relations.targets('alice', kind, { limit: 10 })).items).toEqual([]);
      expect((await store.relations.owners('alice', kind, { limit: 10 })).items).toEqual([]);
    }
    expect(
      (await call(bob, 'GET', '/me/blocks')).json<{ items: { alias: string }[] }>().items.map((i) => i.alias),
    ).toEqual(['dave']);
    expect((await call(carol, 'GET', '/me/mutes')).json<{ items: unknown[] }>().items).toEqual([]);
    // The edge to alice no longer counts against bob's bound (DynamoDB: the per-owner counter dropped).
    for (const kind of ['blocks', 'mutes'] as const) {
      expect((await call(bob, 'PUT', `/me/${kind}/erin`)).statusCode).toBe(200);
      expect((await call(bob, 'PUT', `/me/${kind}/fay`)).statusCode).toBe(429);
    }
    // bob's block of bob's own choosing (not of alice) stays, and the counts agree with the edges.
    expect(await store.relations.recount('bob', 'block')).toBe(2);
    expect(await store.relations.recount('bob', 'mute')).toBe(2);
  });

  it('removes its uploads, attached and not, with their blobs', async () => {
    const alice = await t.register('alice');
    const bob = await t.register('bob');
    const upload = async (token: string): Promise<{ id: string; url: string; previewUrl: string }> => {
      const res = await t.as(token, {
        method: 'POST',
        url: '/api/v1/media',
        payload: await solidPng(32, 24),
        headers: { 'content-type': 'image/png' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const attached = await upload(alice);
    const loose = await upload(alice);
    const bobs = await upload(bob);
    const posted = await call(alice, 'POST', '/statuses', { post: 'a picture', mediaIds: [attached.id] });
    expect(posted.statusCode).toBe(201);
    const fetch = (url: string) => t.inject({ url });
    for (const m of [attached, loose, bobs])
      for (const url of [m.url, m.previewUrl]) expect((await fetch(url)).statusCode).toBe(200);

    expect((await del(alice)).statusCode).toBe(204);
    await t.drain();

    for (const m of [attached, loose]) {
      expect(await t.ctx.store.media.get(m.id)).toBeNull();
      for (const url of [m.url, m.previewUrl]) expect((await fetch(url)).statusCode).toBe(404);
    }
    expect(await t.ctx.store.media.get(bobs.id)).not.toBeNull();
    for (const url of [bobs.url, bobs.previewUrl]) expect((await fetch(url)).statusCode).toBe(200);
  });

  it('removes its session rows, not only their use', async () => {
    const alice = await t.register('alice');
    const login = await t.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { alias: 'alice', password: 'correct horse' },
    });
    expect(login.statusCode).toBe(201);
    const bob = await t.register('bob');
    expect((await del(alice)).statusCode).toBe(204);
    await t.drain();
    expect(await t.ctx.store.sessions.deleteOfUser('alice')).toEqual([]);
    expect((await call(bob, 'GET', '/me')).statusCode).toBe(200);
  });
});
