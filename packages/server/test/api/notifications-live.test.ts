import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';
import { TestStreamClient } from '../support/ws-client.js';
import { LIVE_PUSH_WINDOW_MS } from '../../src/services/live-throttle.js';

// The `notifications` channel on either transport (`ws`, or the local API Gateway on aws-local): a like reaches
// every device of its author as `notification` and `notifications.unread`; reading on one device updates the other.

const apps = useTestApps();

describe('notifications live', () => {
  it('a like pushes the group and the unread count to both my devices; reading on one updates the other', async () => {
    const t = await apps.start({}, { gatewayStream: true });
    const [ann, bob] = [await t.register('ann'), await t.register('bob')];
    const res = await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'live' } });
    const id = (res.json() as { id: string }).id;
    await t.drain();
    const url = await t.streamUrl();
    const devices = [await TestStreamClient.open(url, ann), await TestStreamClient.open(url, ann)] as const;
    try {
      for (const d of devices) {
        expect(await d.request({ type: 'subscribe', channel: 'notifications' })).toMatchObject({ type: 'ack' });
      }
      await t.as(bob, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/like` });
      for (const d of devices) {
        const frame = await d.waitFor((f) => f.type === 'notification');
        expect(frame).toMatchObject({
          channel: 'notifications',
          data: { type: 'reaction', actorCount: 1, unread: true, status: { id }, actors: [{ alias: 'bob' }] },
        });
        expect(await d.waitFor((f) => f.type === 'notifications.unread')).toMatchObject({ data: { count: 1 } });
      }
      const [phone, laptop] = devices;
      const seen = laptop.events('notifications.unread').length;
      expect((await t.as(ann, { method: 'POST', url: '/api/v1/me/notifications/read', payload: {} })).statusCode).toBe(
        204,
      );
      await expect
        .poll(() => laptop.events('notifications.unread').slice(seen))
        .toEqual([{ type: 'notifications.unread', channel: 'notifications', data: { count: 0 } }]);
      expect(phone.events('notifications.unread').at(-1)).toMatchObject({ data: { count: 0 } });
    } finally {
      for (const d of devices) d.close();
    }
  });

  it('a block or a mute made after the fact pushes the new unread count to my connected devices', async () => {
    const t = await apps.start({}, { gatewayStream: true });
    const [ann, bob, cat] = [await t.register('ann'), await t.register('bob'), await t.register('cat')];
    const ids: string[] = [];
    for (const post of ['one', 'two']) {
      const res = await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post } });
      ids.push((res.json() as { id: string }).id);
    }
    await t.as(bob, { method: 'PUT', url: `/api/v1/statuses/${ids[0]}/reactions/like` });
    await t.as(cat, { method: 'PUT', url: `/api/v1/statuses/${ids[1]}/reactions/like` });
    await t.drain();
    // The likes' coalesced pushes go up to one window after their writes: past it, only the purges' counts remain.
    await new Promise((resolve) => setTimeout(resolve, 2 * LIVE_PUSH_WINDOW_MS));
    const c = await TestStreamClient.open(await t.streamUrl(), ann);
    try {
      expect(await c.request({ type: 'subscribe', channel: 'notifications' })).toMatchObject({ type: 'ack' });
      const unread = () => c.events('notifications.unread').map((f) => (f.data as { count: number }).count);
      // Bob's group goes with the block (2 -> 1), cat's with the mute (1 -> 0): each purge pushes the count.
      expect((await t.as(ann, { method: 'PUT', url: '/api/v1/me/blocks/bob' })).statusCode).toBe(200);
      await expect.poll(unread, { timeout: 10_000 }).toEqual([1]);
      expect((await t.as(ann, { method: 'PUT', url: '/api/v1/me/mutes/cat' })).statusCode).toBe(200);
      await expect.poll(unread, { timeout: 10_000 }).toEqual([1, 0]);
      const count = await t.as(ann, { method: 'GET', url: '/api/v1/me/notifications/unread-count' });
      expect(count.json()).toEqual({ count: 0 });
    } finally {
      c.close();
    }
  });

  it('the channel carries only my own notifications', async () => {
    const t = await apps.start({}, { gatewayStream: true });
    const [ann, bob] = [await t.register('ann'), await t.register('bob')];
    const url = await t.streamUrl();
    const c = await TestStreamClient.open(url, bob);
    try {
      expect(await c.request({ type: 'subscribe', channel: 'notifications' })).toMatchObject({ type: 'ack' });
      const res = await t.as(bob, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'x' } });
      const id = (res.json() as { id: string }).id;
      await t.as(ann, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/heart` });
      expect(await c.waitFor((f) => f.type === 'notification')).toMatchObject({ data: { reactionKind: 'heart' } });
      await t.drain();
      expect(await c.request({ type: 'ping' })).toMatchObject({ op: 'ping' });
      // Only bob's own: ann's like of her own status tells nobody.
      expect(c.events('notification')).toHaveLength(1);
    } finally {
      c.close();
    }
  });
});
