import { describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { useTestApps } from '../support/use-test-app.js';

// NOTIFICATION_RETENTION_DAYS: older groups are never listed or counted (both shapes), and the scheduled job removes
// them from the store (SQLite; DynamoDB leaves that to TTL).

const apps = useTestApps();
const DAY = 86_400_000;

describe('notification retention', () => {
  it('hides groups past the retention at once, and the scheduled job removes them', async () => {
    const clock = new ManualClock();
    const t = await apps.start({ NOTIFICATION_RETENTION_DAYS: '2' }, { clock });
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    await t.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ann' });
    await t.drain();
    clock.advance(DAY);
    await t.as(cat, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hi @ann' } });
    await t.drain();
    const list = async () =>
      (
        (await t.as(ann, { method: 'GET', url: '/api/v1/me/notifications' })).json() as {
          items: { type: string; id: string }[];
        }
      ).items;
    const unread = async () =>
      ((await t.as(ann, { method: 'GET', url: '/api/v1/me/notifications/unread-count' })).json() as { count: number })
        .count;
    const before = await list();
    expect(before.map((g) => g.type)).toEqual(['mention', 'follow']);
    const followKey = before[1]?.id ?? '';
    if (t.config.shape.store === 'sqlite') expect(await t.ctx.store.notifications.get('ann', followKey)).not.toBeNull();
    expect(await unread()).toBe(2);
    clock.advance(DAY + 1_000); // the follow is now older than 2 days, the mention is not
    expect((await list()).map((g) => g.type)).toEqual(['mention']);
    expect(await unread()).toBe(1);
    await t.ctx.scheduler.runNow();
    await t.drain();
    if (t.config.shape.store === 'sqlite') expect(await t.ctx.store.notifications.get('ann', followKey)).toBeNull();
    expect((await list()).map((g) => g.type)).toEqual(['mention']);
  });

  it('refuses a retention outside 1 to 3650 days at start-up', async () => {
    await expect(apps.start({ NOTIFICATION_RETENTION_DAYS: '0' })).rejects.toThrow(/NOTIFICATION_RETENTION_DAYS/);
  });
});
