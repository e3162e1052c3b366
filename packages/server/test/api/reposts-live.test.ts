import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';
import { TestStreamClient } from '../support/ws-client.js';

// Reposts over the live stream, on either transport (`ws`, or the local API Gateway on aws-local): a repost reaching
// my feed arrives as feed.status with repostedBy, its count as status.updated, and an undo as feed.delete.

const apps = useTestApps();

describe('reposts live', () => {
  it('a repost arrives like a post, with repostedBy; the count over status.updated; the undo as feed.delete', async () => {
    const t = await apps.start({}, { gatewayStream: true });
    const [ann, bob, cat] = [await t.register('ann'), await t.register('bob'), await t.register('cat')];
    expect((await t.as(cat, { method: 'PUT', url: '/api/v1/me/followees/bob' })).statusCode).toBe(200);
    expect((await t.as(cat, { method: 'PUT', url: '/api/v1/me/followees/ann' })).statusCode).toBe(200);
    const posted = await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'by ann' } });
    const id = posted.json<{ id: string }>().id;
    await t.drain();
    // cat has ann's status as itself; dan (following bob only) is the one the repost reaches.
    const dan = await t.register('dan');
    expect((await t.as(dan, { method: 'PUT', url: '/api/v1/me/followees/bob' })).statusCode).toBe(200);
    await t.drain();
    const url = await t.streamUrl();
    const [catC, danC] = await Promise.all([cat, dan].map((token) => TestStreamClient.open(url, token)));
    if (!catC || !danC) throw new Error('no stream clients');
    try {
      for (const c of [catC, danC]) {
        expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
      }
      expect((await t.as(bob, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` })).statusCode).toBe(200);
      expect(await danC.waitFor((f) => f.type === 'feed.status')).toMatchObject({
        data: { id, repostedBy: { alias: 'bob' }, repostCount: 1 },
      });
      // cat follows ann: the count moved on a status cat has on screen.
      expect(await catC.waitFor((f) => f.type === 'status.updated')).toMatchObject({ data: { id, repostCount: 1 } });
      await t.drain();
      expect(await catC.request({ type: 'ping' })).toMatchObject({ op: 'ping' });
      expect(catC.events('feed.status')).toEqual([]); // the status itself was in cat's feed already

      expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${id}/repost` })).statusCode).toBe(200);
      await t.drain();
      expect(await danC.waitFor((f) => f.type === 'feed.delete')).toMatchObject({ data: { id } });
    } finally {
      catC.close();
      danC.close();
    }
  });
});
