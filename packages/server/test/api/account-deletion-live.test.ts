import { describe, expect, it } from 'vitest';
import { eventually } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';
import { useTestApps } from '../support/use-test-app.js';

// A deleted account's statuses leave its followers' open feeds live: the followers step pushes `feed.delete` for
// each entry it removes, to the followers whose feed held it. On aws-local through the local WebSocket gateway and
// the Lambda handler (API Gateway's transport); else the `ws` server.

const apps = useTestApps();

describe("a deleted account's statuses, live", () => {
  it('push feed.delete to the connected followers that held them, and to nobody else', async () => {
    const app = await apps.start({}, { gatewayStream: true });
    const alice = await app.register('alice');
    const [bob, carol] = [await app.register('bob'), await app.register('carol')];
    expect((await app.as(bob, { method: 'PUT', url: '/api/v1/me/followees/alice' })).statusCode).toBe(200);
    const ids: string[] = [];
    for (const text of ['one', 'two']) {
      const res = await app.as(alice, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
      ids.push(res.json<{ id: string }>().id);
    }
    await app.drain();
    const url = await app.streamUrl();
    const [follower, stranger] = [await TestStreamClient.open(url, bob), await TestStreamClient.open(url, carol)];
    try {
      for (const c of [follower, stranger]) {
        expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
      }
      const res = await app.as(alice, { method: 'DELETE', url: '/api/v1/me', payload: { password: 'correct horse' } });
      expect(res.statusCode).toBe(204);
      await app.drain();
      await app.ctx.realtime.flush();
      const deleted = () => follower.events('feed.delete').map((e) => (e.data as { id: string }).id);
      await eventually(async () => deleted().length >= 2);
      expect(new Set(deleted())).toEqual(new Set(ids));
      expect(stranger.events('feed.delete')).toEqual([]);
    } finally {
      follower.close();
      stranger.close();
    }
  });
});
