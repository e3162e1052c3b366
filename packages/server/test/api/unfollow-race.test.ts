import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openTestStores } from '../support/aws-local.js';
import { systemClock } from '../../src/ports/clock.js';
import type { DeliveryRepo, FeedRepo } from '../../src/ports/store.js';
import { TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;
let dataDir: string;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function feedIds(app: TestApp, token: string): Promise<string[]> {
  const res = await app.as(token, { method: 'GET', url: '/api/v1/me/feed' });
  return (res.json() as { items: { id: string }[] }).items.map((s) => s.id);
}

describe('an unfollow during an in-flight fan-out', () => {
  it('leaves the status out of the unfollower feed even when the purge ran before the page was written', async () => {
    dataDir = apps.tempDir('tweeter-race-');
    const env = { WORKER_CONCURRENCY: '2' };
    // The real SQLite store with hooks at its edge: the deliver job, its page planned with bob in it, stops just
    // before writing until bob has unfollowed and that unfollow's purge job has run to the end.
    const real = await openTestStores(loadConfig({ ...TEST_ENV, ...env, DATA_DIR: dataDir }), systemClock);
    const purged = deferred();
    const feeds: FeedRepo = Object.create(real.store.feeds) as FeedRepo;
    feeds.removeByAuthor = async (owner, author) => {
      const removed = await real.store.feeds.removeByAuthor(owner, author);
      if (owner === 'bob') purged.resolve();
      return removed;
    };
    let unfollow: (() => Promise<void>) | undefined;
    const deliveries: DeliveryRepo = Object.create(real.store.deliveries) as DeliveryRepo;
    // The plan job's own path, planning and writing in two steps (a batch of small fan-outs does both in one
    // transaction, where no unfollow can land in between).
    deliveries.deliverSmall = undefined;
    deliveries.deliverRange = async (delivery, range, options) => {
      const before = unfollow;
      unfollow = undefined;
      if (before) {
        await before();
        await purged.promise;
      }
      return real.store.deliveries.deliverRange(delivery, range, options);
    };
    t = await apps.start(env, { dataDir, stores: { ...real, store: { ...real.store, feeds, deliveries } } });
    const app = t;

    const ann = await app.register('ann');
    const bob = await app.register('bob');
    const cat = await app.register('cat');
    for (const fan of [bob, cat]) await app.as(fan, { method: 'PUT', url: '/api/v1/me/followees/ann' });
    await app.drain();
    unfollow = async () => {
      const res = await app.as(bob, { method: 'DELETE', url: '/api/v1/me/followees/ann' });
      expect(res.statusCode).toBe(200);
    };
    const status = (await app.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hello' } })).json();
    await purged.promise;
    await app.drain();

    expect(unfollow).toBeUndefined(); // the hook ran: the interleaving happened
    expect(await feedIds(app, cat)).toEqual([status.id]);
    expect(await feedIds(app, bob)).toEqual([]);
    const delivery = (await app.as(ann, { method: 'GET', url: `/api/v1/statuses/${status.id}/delivery` })).json();
    expect(delivery).toMatchObject({ state: 'done', audience: 2, delivered: 2 });
  });
});
