import type { NotificationGroup } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';
import type { TestApp } from '../support/test-app.js';

// Replies, quotes and reposts notify the author of the status they answer, quote or repost, through the real app
// (the services put the notify jobs in the write's outbox). Runs on SQLite, and on DynamoDB + SQS with
// TWEETER_TEST_SHAPE=aws-local.

const apps = useTestApps();

async function groups(t: TestApp, token: string, query = ''): Promise<NotificationGroup[]> {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/me/notifications${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: NotificationGroup[] }).items;
}

async function post(t: TestApp, token: string, payload: Record<string, unknown>): Promise<string> {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

describe('notifications of replies, quotes and reposts', () => {
  it('a reply and a quote are each their own group; a reply that mentions the author notifies once', async () => {
    const t = await apps.start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const root = await post(t, ann, { post: 'a thought' });
    const reply = await post(t, bob, { post: '@ann agreed', inReplyToId: root });
    const quote = await post(t, cat, { post: 'worth reading', quoteOfId: root });
    await post(t, ann, { post: 'answering myself', inReplyToId: root }); // my own reply: never notified
    await t.drain();

    const mine = await groups(t, ann);
    expect(mine.map((g) => [g.type, g.status?.id, g.actors.map((a) => a.alias)])).toEqual([
      ['quote', quote, ['cat']],
      ['reply', reply, ['bob']],
    ]);
    expect((await groups(t, ann, '?types=reply')).map((g) => g.type)).toEqual(['reply']);
  });

  it('reposts of a status are one group; undoing a repost takes its actor back out', async () => {
    const t = await apps.start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const id = await post(t, ann, { post: 'share this' });
    for (const token of [bob, cat]) {
      const res = await t.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` });
      expect(res.statusCode, res.body).toBe(200);
    }
    await t.drain();
    const [group] = await groups(t, ann);
    expect(group).toMatchObject({ type: 'repost', actorCount: 2, unread: true });
    expect(group?.status?.id).toBe(id);

    expect((await t.as(bob, { method: 'DELETE', url: `/api/v1/statuses/${id}/repost` })).statusCode).toBe(200);
    await t.drain();
    const after = await groups(t, ann);
    expect(after.map((g) => [g.type, g.actorCount, g.actors.map((a) => a.alias)])).toEqual([['repost', 1, ['cat']]]);
  });

  it('nothing from someone the author blocked', async () => {
    const t = await apps.start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const id = await post(t, ann, { post: 'open to all' });
    await t.as(bob, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` });
    await t.drain();
    expect((await groups(t, ann)).map((g) => g.type)).toEqual(['repost']);
    expect((await t.as(ann, { method: 'PUT', url: '/api/v1/me/blocks/bob' })).statusCode).toBe(200);
    await t.drain();
    // A block hides what came before it, and bob can no longer reply to or quote ann's status.
    expect(await groups(t, ann)).toEqual([]);
    const res = await t.as(bob, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hi', inReplyToId: id } });
    expect(res.statusCode).toBe(404);
  });
});
