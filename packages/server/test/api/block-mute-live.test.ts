import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';
import { TestStreamClient } from '../support/ws-client.js';

// A muted (or blocked) author's live feed pushes do not reach the muter, whether the status was fanned out or
// pushed live only (a pulled author), on either transport (`ws`, or the local API Gateway on aws-local).

const apps = useTestApps();

describe('live pushes across a mute or a block', () => {
  for (const [shape, threshold] of [
    ['fanned-out', '0'],
    ['pulled', '1'],
  ] as const) {
    it(`a ${shape} status of a muted author reaches other followers live, not the muter`, async () => {
      const t = await apps.start({ FANOUT_PULL_THRESHOLD: threshold }, { gatewayStream: true });
      const [ann, bob, cat, dan] = [
        await t.register('ann'),
        await t.register('bob'),
        await t.register('cat'),
        await t.register('dan'),
      ];
      for (const fan of [ann, cat, dan]) {
        expect((await t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/bob' })).statusCode).toBe(200);
      }
      expect((await t.as(ann, { method: 'PUT', url: '/api/v1/me/mutes/bob' })).statusCode).toBe(200);
      expect((await t.as(dan, { method: 'PUT', url: '/api/v1/me/blocks/bob' })).statusCode).toBe(200);
      await t.drain();
      const url = await t.streamUrl();
      const clients = await Promise.all([ann, cat, dan].map((token) => TestStreamClient.open(url, token)));
      try {
        for (const c of clients) {
          expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
        }
        const res = await t.as(bob, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'live' } });
        const id = (res.json() as { id: string }).id;
        const [annC, catC, danC] = clients as [TestStreamClient, TestStreamClient, TestStreamClient];
        expect(await catC.waitFor((f) => f.type === 'feed.status')).toMatchObject({ data: { id } });
        await t.drain();
        // A round trip on each socket after the pushes went out: anything sent to them has arrived.
        for (const c of [annC, danC]) expect(await c.request({ type: 'ping' })).toMatchObject({ op: 'ping' });
        expect(annC.events('feed.status')).toEqual([]);
        expect(danC.events('feed.status')).toEqual([]);
      } finally {
        for (const c of clients) c.close();
      }
    });
  }
});
