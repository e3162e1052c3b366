import type { NotificationGroup } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { NotifyEvents } from '../../src/services/notify-events.js';
import { useTestApps } from '../support/use-test-app.js';
import type { TestApp } from '../support/test-app.js';

// Notifications through the real app: events emitted by the services, written by the notify stage, read over the
// API. Runs on SQLite, and on DynamoDB + SQS with TWEETER_TEST_SHAPE=aws-local.

const apps = useTestApps();

type Page = { items: NotificationGroup[]; nextCursor: string | null };

async function groups(t: TestApp, token: string, query = ''): Promise<Page> {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/me/notifications${query}` });
  expect(res.statusCode).toBe(200);
  return res.json() as Page;
}
async function registerAll<const A extends readonly string[]>(
  t: TestApp,
  ...aliases: A
): Promise<{ [K in keyof A]: string }> {
  return (await Promise.all(aliases.map((a) => t.register(a)))) as { [K in keyof A]: string };
}
async function unread(t: TestApp, token: string): Promise<number> {
  const res = await t.as(token, { method: 'GET', url: '/api/v1/me/notifications/unread-count' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { count: number }).count;
}
async function post(t: TestApp, token: string, text: string): Promise<string> {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}
const like = (t: TestApp, token: string, id: string, on = true) =>
  t.as(token, { method: on ? 'PUT' : 'DELETE', url: `/api/v1/statuses/${id}/reactions/like` });

describe('notifications', () => {
  it('groups likes on a status ("bob and 2 others"), counts unread exactly, and an unlike takes the actor out', async () => {
    const t = await apps.start();
    const [ann, bob, cat, dan] = await registerAll(t, 'ann', 'bob', 'cat', 'dan');
    const id = await post(t, ann, 'hello');
    for (const token of [cat, dan, bob]) expect((await like(t, token, id)).statusCode).toBe(200);
    expect((await like(t, ann, id)).statusCode).toBe(200); // my own like: never notified
    await t.drain();
    const page = await groups(t, ann);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ type: 'reaction', reactionKind: 'like', actorCount: 3, unread: true });
    expect(page.items[0]?.status?.id).toBe(id);
    expect(page.items[0]?.actors.map((u) => u.alias)).toEqual(['bob', 'dan', 'cat']);
    expect(await unread(t, ann)).toBe(1);
    await like(t, dan, id, false);
    await t.drain();
    expect((await groups(t, ann)).items[0]?.actors.map((u) => u.alias)).toEqual(['bob', 'cat']);
    for (const token of [bob, cat]) await like(t, token, id, false);
    await t.drain();
    expect((await groups(t, ann)).items).toEqual([]);
    expect(await unread(t, ann)).toBe(0);
  });

  it('follows of a day are one group; mentions notify (each status its own group); filters by type', async () => {
    const t = await apps.start();
    const [ann, bob, cat] = await registerAll(t, 'ann', 'bob', 'cat');
    for (const token of [bob, cat]) {
      expect((await t.as(token, { method: 'PUT', url: '/api/v1/me/followees/ann' })).statusCode).toBe(200);
    }
    await post(t, bob, 'hi @ann and @nobody_here');
    await post(t, cat, '@ann again');
    await t.drain();
    const all = await groups(t, ann);
    expect(all.items.map((g) => [g.type, g.actorCount])).toEqual([
      ['mention', 1],
      ['mention', 1],
      ['follow', 2],
    ]);
    expect((await groups(t, ann, '?types=follow')).items.map((g) => g.type)).toEqual(['follow']);
    expect((await groups(t, ann, '?limit=1')).nextCursor).not.toBeNull();
    expect(await unread(t, ann)).toBe(3);
    // Unfollowing takes the follower back out of the day's group.
    await t.as(bob, { method: 'DELETE', url: '/api/v1/me/followees/ann' });
    await t.drain();
    expect((await groups(t, ann, '?types=follow')).items[0]?.actorCount).toBe(1);
  });

  it('mark read up to a group, then all; an unknown group or type is a 4xx', async () => {
    const t = await apps.start();
    const [ann, bob] = await registerAll(t, 'ann', 'bob');
    const first = await post(t, ann, 'one');
    const second = await post(t, ann, 'two');
    await like(t, bob, first);
    await t.drain();
    await like(t, bob, second);
    await t.drain();
    const [newer, older] = (await groups(t, ann)).items;
    expect(newer?.status?.id).toBe(second);
    const read = (payload: Record<string, unknown>) =>
      t.as(ann, { method: 'POST', url: '/api/v1/me/notifications/read', payload });
    expect((await read({ upTo: older?.id })).statusCode).toBe(204);
    expect(await unread(t, ann)).toBe(1);
    expect((await read({ upTo: 'nope' })).statusCode).toBe(404);
    expect((await read({ upTo: 1 })).statusCode).toBe(400);
    expect((await read({})).statusCode).toBe(204);
    expect(await unread(t, ann)).toBe(0);
    expect((await groups(t, ann)).items.every((g) => !g.unread)).toBe(true);
    const bad = await t.as(ann, { method: 'GET', url: '/api/v1/me/notifications?types=likes' });
    expect(bad.statusCode).toBe(400);
  });

  it('never from someone I block or mute, or who blocks me', async () => {
    const t = await apps.start();
    const [ann, bob, cat, dan] = await registerAll(t, 'ann', 'bob', 'cat', 'dan');
    const id = await post(t, ann, 'quiet');
    await t.as(ann, { method: 'PUT', url: '/api/v1/me/mutes/bob' });
    await t.as(cat, { method: 'PUT', url: '/api/v1/me/blocks/ann' });
    await like(t, bob, id);
    await post(t, cat, 'hey @ann');
    await t.as(dan, { method: 'PUT', url: '/api/v1/me/followees/ann' });
    await t.drain();
    expect((await groups(t, ann)).items.map((g) => g.type)).toEqual(['follow']);
  });

  it("a deleted status's notifications go, with their unread count", async () => {
    const t = await apps.start();
    const [ann, bob] = await registerAll(t, 'ann', 'bob');
    const id = await post(t, bob, 'hello @ann');
    await t.drain();
    expect(await unread(t, ann)).toBe(1);
    expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${id}` })).statusCode).toBe(204);
    await t.drain();
    expect((await groups(t, ann)).items).toEqual([]);
    expect(await unread(t, ann)).toBe(0);
  });

  it('reply, quote and repost events through NotifyEvents: grouped, retracted, counted', async () => {
    const t = await apps.start();
    const [ann, bob, cat] = await registerAll(t, 'ann', 'bob', 'cat');
    const mine = await post(t, ann, 'original');
    const reply = await post(t, bob, 'a reply');
    const quote = await post(t, cat, 'a quote');
    const notify = new NotifyEvents({ queue: t.ctx.queue, clock: t.ctx.clock });
    await notify.emit({ type: 'reply', actorId: 'bob', recipientId: 'ann', statusId: reply });
    await notify.emit({ type: 'quote', actorId: 'cat', recipientId: 'ann', statusId: quote });
    await notify.emit({ type: 'repost', actorId: 'bob', recipientId: 'ann', statusId: mine });
    await notify.emit({ type: 'repost', actorId: 'cat', recipientId: 'ann', statusId: mine });
    await notify.emit({ type: 'repost', actorId: 'ann', recipientId: 'ann', statusId: mine }); // mine: dropped
    await t.drain();
    const byType = new Map((await groups(t, ann)).items.map((g) => [g.type, g]));
    expect(byType.get('repost')).toMatchObject({ actorCount: 2, status: { id: mine } });
    expect(byType.get('reply')).toMatchObject({ actorCount: 1, status: { id: reply } });
    expect(byType.get('quote')).toMatchObject({ actorCount: 1, status: { id: quote } });
    expect(await unread(t, ann)).toBe(3);
    await notify.retract({ type: 'repost', actorId: 'bob', recipientId: 'ann', statusId: mine });
    await t.drain();
    expect((await groups(t, ann, '?types=repost')).items[0]?.actorCount).toBe(1);
    expect((await groups(t, ann, '?types=reply,quote')).items).toHaveLength(2);
  });

  it('a board addition and a reaction on my board message notify me', async () => {
    const t = await apps.start();
    const [ann, bob] = await registerAll(t, 'ann', 'bob');
    const board = await t.as(bob, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: 'b', visibility: 'public' },
    });
    const boardId = (board.json() as { id: string }).id;
    const put = await t.as(bob, {
      method: 'PUT',
      url: `/api/v1/boards/${boardId}/members/ann`,
      payload: { role: 'member' },
    });
    expect(put.statusCode).toBe(200);
    const msg = await t.as(ann, { method: 'POST', url: `/api/v1/boards/${boardId}/messages`, payload: { text: 'yo' } });
    expect(msg.statusCode).toBe(201);
    const messageId = (msg.json() as { id: string }).id;
    const react = await t.as(bob, {
      method: 'PUT',
      url: `/api/v1/boards/${boardId}/messages/${messageId}/reactions/heart`,
    });
    expect(react.statusCode).toBe(200);
    await t.drain();
    const items = (await groups(t, ann)).items;
    expect(items.map((g) => [g.type, g.boardId, g.reactionKind])).toEqual([
      ['reaction', boardId, 'heart'],
      ['board.added', boardId, null],
    ]);
  });

  it('a deleted account leaves the groups it was in', async () => {
    const t = await apps.start();
    const [ann, bob, cat] = await registerAll(t, 'ann', 'bob', 'cat');
    const id = await post(t, ann, 'liked');
    await like(t, bob, id);
    await like(t, cat, id);
    await t.drain();
    const del = await t.as(bob, { method: 'DELETE', url: '/api/v1/me', payload: { password: 'correct horse' } });
    expect(del.statusCode).toBeLessThan(300);
    await t.drain();
    const [group] = (await groups(t, ann)).items;
    expect(group?.actors.map((u) => u.alias)).toEqual(['cat']);
    expect(group?.actorCount).toBe(1);
  });
});
