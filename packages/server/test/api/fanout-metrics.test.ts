import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp;

describe('fan-out lag metric', () => {
  it('is observed once per status, however many deliver jobs it took', async () => {
    // 7 followers in pages of 2: four fanout.deliver jobs per status, run by two workers.
    t = await apps.start({ FANOUT_PAGE_SIZE: '2', FANOUT_BATCH_SIZE: '1', WORKER_CONCURRENCY: '2' });
    const star = await t.register('star');
    for (let i = 0; i < 7; i++) {
      const fan = await t.register(`fan_${i}`);
      await t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/star' });
    }
    await t.drain();
    for (const text of ['one', 'two', 'three']) {
      expect((await t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } })).statusCode).toBe(
        201,
      );
    }
    await t.drain();
    const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^tweeter_fanout_lag_seconds_count 3$/m);
    expect(metrics).toMatch(/^tweeter_feed_entries_delivered_total 21$/m);
  });
});
