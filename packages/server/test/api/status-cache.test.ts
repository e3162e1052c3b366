import { expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;

it('a status deleted by another process stops being served once the cache TTL has passed', async () => {
  const clock = new ManualClock(Date.now());
  t = await apps.start({ STATUS_CACHE_TTL_SECONDS: '5' }, { clock });
  const ann = await t.register('ann');
  const status = (await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hello' } })).json();
  const read = () => t?.as(ann, { method: 'GET', url: `/api/v1/statuses/${status.id}` });
  expect((await read())?.statusCode).toBe(200);
  // Deleted in the store directly, as another process would: this process's cache is not told.
  await t.ctx.store.statuses.delete(status.id, { outbox: [] });
  expect((await read())?.statusCode).toBe(200); // still cached (the TTL is what bounds this)
  clock.advance(5001);
  expect((await read())?.statusCode).toBe(404);
});

it('a status deleted here is gone at once (local eviction)', async () => {
  t = await apps.start();
  const ann = await t.register('ann');
  const status = (await t.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hello' } })).json();
  expect((await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${status.id}` })).statusCode).toBe(200);
  expect((await t.as(ann, { method: 'DELETE', url: `/api/v1/statuses/${status.id}` })).statusCode).toBe(204);
  expect((await t.as(ann, { method: 'GET', url: `/api/v1/statuses/${status.id}` })).statusCode).toBe(404);
});
