import { describe, expect, it } from 'vitest';
import { useTestApps } from '../support/use-test-app.js';

// The search and hashtag pages are sent as JSON bytes built from the hydrator's cached status bytes: each item must
// be what the status's own route answers for the same viewer (counts, reactions, the viewer's flags, reply and
// quote, a quote of a deleted status), on the real app (SQLite, or DynamoDB/SQS with TWEETER_TEST_SHAPE=aws-local).

const apps = useTestApps();

describe('status search pages as bytes', () => {
  it('gives every item as the status route gives it, for the viewer who asks', async () => {
    const t = await apps.start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const post = async (token: string, payload: Record<string, string>): Promise<string> => {
      const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const original = await post(ann, { post: 'zephyr quartz with a "quote" and ünïcode #Zephyr' });
    const gone = await post(ann, { post: 'zephyr quartz soon deleted' });
    await post(bob, { post: 'zephyr quartz reply', inReplyToId: original });
    await post(bob, { post: 'zephyr quartz quoting', quoteOfId: original });
    await post(bob, { post: 'zephyr quartz quoting the deleted', quoteOfId: gone });
    expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${gone}` })).statusCode).toBe(204);
    await t.as(bob, { method: 'PUT', url: `/api/v1/statuses/${original}/reactions/like` });
    await t.drain();

    for (const [viewer, url] of [
      [bob, '/api/v1/search/statuses?q=zephyr%20quartz&limit=10'],
      [ann, '/api/v1/search/statuses?q=zephyr%20quartz&limit=10'],
      [bob, '/api/v1/tags/zephyr/statuses?limit=10'],
    ] as const) {
      const res = await t.as(viewer, { method: 'GET', url });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const page = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of page.items) {
        const own = await t.as(viewer, { method: 'GET', url: `/api/v1/statuses/${item.id}` });
        expect(own.statusCode).toBe(200);
        expect(item).toEqual(own.json());
      }
    }
    const found = await t.as(bob, { method: 'GET', url: '/api/v1/search/statuses?q=zephyr%20quartz&limit=10' });
    expect(found.json<{ items: unknown[] }>().items).toHaveLength(4);
  });
});
