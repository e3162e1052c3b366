import { describe, expect, it } from 'vitest';
import { openTestStores } from '../support/aws-local.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/ports/clock.js';
import type { DeliveryRepo } from '../../src/ports/store.js';
import { TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;
let dataDir: string | undefined;

/** Posts by `star` followed by `fans` followers; returns the status id. */
async function postToFans(app: TestApp, fans: number): Promise<{ id: string; tokens: string[]; star: string }> {
  const star = await app.register('star');
  const tokens: string[] = [];
  for (let i = 0; i < fans; i++) {
    const fan = await app.register(`fan_${i}`);
    await app.as(fan, { method: 'PUT', url: '/api/v1/me/followees/star' });
    tokens.push(fan);
  }
  await app.drain();
  const res = await app.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'small audience' } });
  expect(res.statusCode).toBe(201);
  return { id: (res.json() as { id: string }).id, tokens, star };
}

async function feedIds(app: TestApp, token: string): Promise<string[]> {
  const res = await app.as(token, { method: 'GET', url: '/api/v1/me/feed' });
  return (res.json() as { items: { id: string }[] }).items.map((s) => s.id);
}

function jobCount(metrics: string, name: string, outcome: string): number {
  const line = new RegExp(`^tweeter_job_duration_seconds_count\\{name="${name}",outcome="${outcome}"\\} (\\d+)$`, 'm');
  return Number(metrics.match(line)?.[1] ?? 0);
}

describe('a fan-out whose audience fits in one page', () => {
  it('is delivered by the plan job itself, with no deliver job', async () => {
    t = await apps.start();
    const { id, tokens, star } = await postToFans(t, 3);
    await t.drain();
    for (const fan of tokens) expect(await feedIds(t, fan)).toEqual([id]);
    const delivery = (await t.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` })).json();
    expect(delivery).toMatchObject({ state: 'done', audience: 3, delivered: 3 });
    const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    expect(jobCount(metrics, 'fanout.plan', 'ok')).toBe(1);
    expect(jobCount(metrics, 'fanout.deliver', 'ok')).toBe(0);
    expect(metrics).toMatch(/^tweeter_fanout_lag_seconds_count 1$/m);
    expect(metrics).toMatch(/^tweeter_feed_entries_delivered_total 3$/m);
  });

  it('is delivered on retry when the plan job failed after recording its page, and counted once', async () => {
    dataDir = apps.tempDir('tweeter-inline-');
    // The real SQLite store with a fault at its edge: the first range write fails, as a crash right after the
    // plan step committed would leave it (planning done, nothing delivered, the plan job not acked).
    const real = await openTestStores(loadConfig({ ...TEST_ENV, DATA_DIR: dataDir }), systemClock);
    let failures = 1;
    const deliveries: DeliveryRepo = Object.create(real.store.deliveries) as DeliveryRepo;
    // The plan job's own path (as on DynamoDB, or for a post the batch passes on): plan, then deliver.
    deliveries.deliverSmall = undefined;
    deliveries.deliverRange = (...args) => {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error('crashed mid fan-out'));
      }
      return real.store.deliveries.deliverRange(...args);
    };
    t = await apps.start({}, { dataDir, stores: { ...real, store: { ...real.store, deliveries } } });
    const { id, tokens, star } = await postToFans(t, 4);
    await t.drain();
    expect(failures).toBe(0); // the fault was hit
    for (const fan of tokens) expect(await feedIds(t, fan)).toEqual([id]);
    const delivery = (await t.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` })).json();
    expect(delivery).toMatchObject({ state: 'done', audience: 4, delivered: 4 });
    const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    expect(jobCount(metrics, 'fanout.plan', 'retry')).toBe(1);
    expect(jobCount(metrics, 'fanout.plan', 'ok')).toBe(1);
    expect(metrics).toMatch(/^tweeter_fanout_lag_seconds_count 1$/m);
  });
});
