import { describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// A post's notification is written by the notify job as bulk work, in the job wave that also writes its fan-out and
// search index: through the real job thread and writer on a real SQLite file, a post that notifies someone costs the
// writer one interactive group (the post's own), not two (docs/benchmarks.md, issue 19 `s19-post`).
const apps = useTestApps();

/** The writer's groups by kind and its requests by method, from /metrics. */
async function writerCounts(app: TestApp): Promise<{ interactive: number; bulk: number; applyChanges: number }> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const count = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    interactive: count(/^tweeter_writer_group_seconds_count\{kind="interactive"\} (\d+)$/m),
    bulk: count(/^tweeter_writer_group_seconds_count\{kind="bulk"\} (\d+)$/m),
    applyChanges: count(/^tweeter_writer_requests_total\{write="notifications\.applyChanges"\} (\d+)$/m),
  };
}

describe.skipIf(testShape() === 'aws-local')("a post's notification among its jobs' bulk writes", () => {
  it('writes the mention in a bulk group: the post is the only interactive group it costs', async () => {
    const app = await apps.start({ JOB_THREADS: '1' });
    const ann = await app.register('ann');
    const bob = await app.register('bob');
    const cat = await app.register('cat');
    expect((await app.as(bob, { method: 'PUT', url: '/api/v1/me/followees/cat' })).statusCode).toBe(200);
    await app.drain();
    const before = await writerCounts(app);
    for (const text of ['hi @ann', 'again @ann', 'once more @ann']) {
      const res = await app.as(cat, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
      expect(res.statusCode).toBe(201);
      await app.drain();
    }
    const after = await writerCounts(app);
    // The notify job ran for each post and its writes committed: ann has the mentions, bob the posts in his feed.
    expect(after.applyChanges - before.applyChanges).toBe(3);
    const unread = await app.as(ann, { method: 'GET', url: '/api/v1/me/notifications/unread-count' });
    expect(unread.json()).toEqual({ count: 3 });
    const feed = await app.as(bob, { method: 'GET', url: '/api/v1/me/feed?limit=10' });
    expect(feed.json<{ items: unknown[] }>().items).toHaveLength(3);
    // Three posts, three interactive groups: the notifications went with the jobs' bulk writes.
    expect(after.interactive - before.interactive).toBe(3);
    expect(after.bulk).toBeGreaterThan(before.bulk);
  });
});
