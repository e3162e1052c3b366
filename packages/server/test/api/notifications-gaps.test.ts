import type { NotificationGroup } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';
import type { TestApp } from '../support/test-app.js';

// The notification gaps through the real app: a block or mute after the fact, a board removal, a burst of likes
// gathered in one notify batch. Runs on SQLite, and on DynamoDB + SQS with
// TWEETER_TEST_SHAPE=aws-local.

const apps = useTestApps();

type Page = { items: NotificationGroup[]; nextCursor: string | null };

async function groups(t: TestApp, token: string): Promise<NotificationGroup[]> {
  const res = await t.as(token, { method: 'GET', url: '/api/v1/me/notifications' });
  expect(res.statusCode).toBe(200);
  return (res.json() as Page).items;
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

describe('notifications: gaps', () => {
  it('blocking or muting after the fact takes the actor out: the unread count and the page agree', async () => {
    const t = await apps.start();
    const [ann, bob, cat, dan] = await Promise.all(['ann', 'bob', 'cat', 'dan'].map((a) => t.register(a)));
    const first = await post(t, ann!, 'one');
    const second = await post(t, ann!, 'two');
    await like(t, bob!, first);
    await like(t, bob!, second);
    await like(t, cat!, second);
    await like(t, dan!, second);
    await t.drain();
    expect(await unread(t, ann!)).toBe(2);
    expect((await t.as(ann!, { method: 'PUT', url: '/api/v1/me/blocks/bob' })).statusCode).toBe(200);
    expect((await t.as(ann!, { method: 'PUT', url: '/api/v1/me/mutes/cat' })).statusCode).toBe(200);
    await t.drain();
    // The group of only bob went; the other lost bob and cat.
    const items = await groups(t, ann!);
    expect(items.map((g) => [g.status?.id, g.actorCount, g.actors.map((u) => u.alias)])).toEqual([
      [second, 1, ['dan']],
    ]);
    expect(await unread(t, ann!)).toBe(items.filter((g) => g.unread).length);
    expect(await unread(t, ann!)).toBe(1);
  });

  it('removing a member takes back "added you to board"', async () => {
    const t = await apps.start();
    const [ann, bob] = await Promise.all(['ann', 'bob'].map((a) => t.register(a)));
    const board = await t.as(bob!, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: 'b', visibility: 'public' },
    });
    const boardId = (board.json() as { id: string }).id;
    const members = `/api/v1/boards/${boardId}/members/ann`;
    expect((await t.as(bob!, { method: 'PUT', url: members, payload: { role: 'member' } })).statusCode).toBe(200);
    await t.drain();
    expect((await groups(t, ann!)).map((g) => g.type)).toEqual(['board.added']);
    expect((await t.as(bob!, { method: 'DELETE', url: members })).statusCode).toBeLessThan(300);
    await t.drain();
    expect(await groups(t, ann!)).toEqual([]);
    expect(await unread(t, ann!)).toBe(0);
  });

  it('a burst of likes and unlikes, gathered by the notify stage, leaves the count exact', async () => {
    const t = await apps.start();
    const aliases = Array.from({ length: 12 }, (_, i) => `liker${i}`);
    const [ann, ...likers] = await Promise.all(['ann', ...aliases].map((a) => t.register(a)));
    const id = await post(t, ann!, 'popular');
    await Promise.all(likers.map((token) => like(t, token, id)));
    await Promise.all(likers.slice(0, 4).map((token) => like(t, token, id, false)));
    await t.drain();
    const [group] = await groups(t, ann!);
    expect(group).toMatchObject({ actorCount: 8, unread: true });
    expect(await unread(t, ann!)).toBe(1);
  });
});
