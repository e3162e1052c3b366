import { describe, expect, it } from 'vitest';
import { openTestStores } from '../support/aws-local.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/ports/clock.js';
import { SMALL_CHUNK } from '../../src/jobs/fanout-plan.js';
import type { DeliveryRepo } from '../../src/ports/store.js';
import { eventually, TEST_ENV, type TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Small fan-outs received together: the plan jobs of one receive are planned and delivered in one SQLite
// transaction (DeliveryRepo.deliverSmall) and acked at once. The real SQLite store, watched at its edge: the test
// counts the posts each deliverSmall call carried, and can make the first call fail.
const apps = useTestApps();
let t: TestApp | undefined;
let dataDir: string | undefined;

const PAGE = 3;
// Posts each of two authors queues while the workers are stopped: more than a chunk's worth in all, and more than
// what a paced receive finds at 2,500 posts/s (FANOUT_PACE: 200 ms of posts, ~500).
const BACKLOG = 280;

async function start(options: { failFirst?: boolean } = {}): Promise<number[]> {
  dataDir = apps.tempDir('tweeter-batch-');
  // Search indexing off: its job per post is not what these cases count (received batches of plan jobs).
  const env = { FANOUT_PAGE_SIZE: String(PAGE), FANOUT_BATCH_SIZE: String(PAGE), SEARCH_INDEX: 'off' };
  const real = await openTestStores(loadConfig({ ...TEST_ENV, ...env, DATA_DIR: dataDir }), systemClock);
  const calls: number[] = [];
  let failures = options.failFirst ? 1 : 0;
  const deliveries: DeliveryRepo = Object.create(real.store.deliveries) as DeliveryRepo;
  deliveries.deliverSmall = (posts, o) => {
    calls.push(posts.length);
    if (failures > 0) {
      failures -= 1;
      return Promise.reject(new Error('the batch transaction failed'));
    }
    if (!real.store.deliveries.deliverSmall) throw new Error('the SQLite store fans out small audiences in batches');
    return real.store.deliveries.deliverSmall(posts, o);
  };
  t = await apps.start(env, { dataDir, stores: { ...real, store: { ...real.store, deliveries } } });
  return calls;
}

function app(): TestApp {
  if (!t) throw new Error('no app');
  return t;
}

/** Registers `author` and `fans` followers of it; returns the author's token and the fans' tokens by alias. */
async function audience(author: string, fans: number): Promise<{ token: string; fans: Map<string, string> }> {
  const token = await app().register(author);
  const tokens = new Map<string, string>();
  for (let i = 1; i <= fans; i++) {
    const alias = `${author}_fan${i}`;
    const fan = await app().register(alias);
    expect((await app().as(fan, { method: 'PUT', url: `/api/v1/me/followees/${author}` })).statusCode).toBe(200);
    tokens.set(alias, fan);
  }
  return { token, fans: tokens };
}

async function post(token: string, text: string): Promise<string> {
  const res = await app().as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function feed(token: string): Promise<string[]> {
  const res = await app().as(token, { method: 'GET', url: '/api/v1/me/feed' });
  return res.json<{ items: { id: string }[] }>().items.map((s) => s.id);
}

async function delivery(token: string, id: string): Promise<unknown> {
  return (await app().as(token, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` })).json();
}

function metric(metrics: string, line: string): number {
  const escaped = line.replace(/[{}"=.,]/g, (c) => `\\${c}`);
  return Number(metrics.match(new RegExp(`^${escaped} (\\d+)$`, 'm'))?.[1] ?? 0);
}

/** Five authors: one page, exactly a page, nobody, more than a page (the plan job's own path), a deleted post. */
async function fiveAuthors() {
  const one = await audience('one', 2);
  const full = await audience('full', PAGE);
  const none = await audience('none', 0);
  const big = await audience('big', PAGE + 2);
  const gone = await audience('gone', 2);
  await app().drain();
  return { one, full, none, big, gone };
}

describe('small fan-outs received together', () => {
  it('are planned and delivered in one transaction: feeds, progress, live events and metrics as one by one', async () => {
    const calls = await start();
    const { one, full, none, big, gone } = await fiveAuthors();
    const { TestStreamClient } = await import('../support/ws-client.js');
    const live = await TestStreamClient.open(await app().streamUrl(), full.fans.get('full_fan2'));
    try {
      expect(await live.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
      // Posted while the workers are stopped, so one receive takes the five plan jobs together.
      await app().ctx.workers.stop();
      const ids = {
        one: await post(one.token, 'to two'),
        full: await post(full.token, 'to a page'),
        none: await post(none.token, 'to nobody'),
        big: await post(big.token, 'to more than a page'),
        gone: await post(gone.token, 'deleted before its fan-out'),
      };
      expect((await app().as(gone.token, { method: 'DELETE', url: `/api/v1/statuses/${ids.gone}` })).statusCode).toBe(
        204,
      );
      // An unfollow committed before the fan-out: that follower never gets the post.
      const leaver = one.fans.get('one_fan1') ?? '';
      expect((await app().as(leaver, { method: 'DELETE', url: '/api/v1/me/followees/one' })).statusCode).toBe(200);
      app().ctx.workers.start();
      await app().drain();

      expect(calls).toEqual([5]);
      expect(await feed(leaver)).toEqual([]);
      expect(await feed(one.fans.get('one_fan2') ?? '')).toEqual([ids.one]);
      for (const fan of full.fans.values()) expect(await feed(fan)).toEqual([ids.full]);
      for (const fan of big.fans.values()) expect(await feed(fan)).toEqual([ids.big]);
      for (const fan of gone.fans.values()) expect(await feed(fan)).toEqual([]);
      expect(await delivery(one.token, ids.one)).toMatchObject({ state: 'done', audience: 1, delivered: 1 });
      expect(await delivery(full.token, ids.full)).toMatchObject({ state: 'done', audience: PAGE, delivered: PAGE });
      expect(await delivery(none.token, ids.none)).toMatchObject({ state: 'done', audience: 0, delivered: 0 });
      expect(await delivery(big.token, ids.big)).toMatchObject({
        state: 'done',
        audience: PAGE + 2,
        delivered: PAGE + 2,
      });
      await eventually(async () => live.events('feed.status').some((e) => (e.data as { id: string }).id === ids.full));

      const metrics = (await app().inject({ method: 'GET', url: '/metrics' })).body;
      expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="fanout.plan",outcome="ok"}')).toBe(5);
      expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="fanout.plan",outcome="retry"}')).toBe(0);
      // The big audience: two pages, each its own deliver job.
      expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="fanout.deliver",outcome="ok"}')).toBe(2);
      expect(metric(metrics, 'tweeter_fanout_lag_seconds_count')).toBe(4);
      expect(metric(metrics, 'tweeter_feed_entries_delivered_total')).toBe(1 + PAGE + PAGE + 2);
    } finally {
      live.close();
    }
  });

  it('gather from back-to-back receives while a backlog lasts, so one transaction carries more', async () => {
    const calls = await start();
    const authors = [
      await audience('ann', 2),
      await audience('bob', 1),
      await audience('cat', PAGE),
      await audience('dan', 0),
    ];
    await app().drain();
    await app().ctx.workers.stop();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) for (const author of authors) ids.push(await post(author.token, `post ${i}`));
    app().ctx.workers.start();
    await app().drain();

    // 20 plan jobs, received 8 at a time by two loops: a loop whose receive came back full of small fan-outs
    // receives again before writing, so some transaction carries more than one receive's worth.
    expect(calls.reduce((a, b) => a + b, 0)).toBe(20);
    expect(Math.max(...calls)).toBeGreaterThan(8);
    for (const author of authors) for (const fan of author.fans.values()) expect((await feed(fan)).length).toBe(5);
    const metrics = (await app().inject({ method: 'GET', url: '/metrics' })).body;
    expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="fanout.plan",outcome="ok"}')).toBe(20);
    expect(metric(metrics, 'tweeter_feed_entries_delivered_total')).toBe(5 * (2 + 1 + PAGE));
  });

  it('write a gathered backlog in chunks of at most SMALL_CHUNK posts a store call, every post delivered once', async () => {
    const calls = await start();
    const authors = [await audience('eve', 1), await audience('fay', 2)];
    await app().drain();
    await app().ctx.workers.stop();
    for (let i = 0; i < BACKLOG; i++) for (const author of authors) await post(author.token, `backlog ${i}`);
    app().ctx.workers.start();
    await app().drain();

    // 2 x BACKLOG plan jobs: no call carries more than a chunk, and together they carry every post once. A gathered
    // receive holds what a paced receive finds at 2,500 posts/s, ~500 posts, and their feed rows go to the store in one
    // call (one transaction and COMMIT: an owner's newest feed page is written to the WAL once for all of them).
    expect(calls.reduce((a, b) => a + b, 0)).toBe(2 * BACKLOG);
    expect(Math.max(...calls)).toBeLessThanOrEqual(SMALL_CHUNK);
    expect(Math.max(...calls)).toBeGreaterThanOrEqual(500);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    const metrics = (await app().inject({ method: 'GET', url: '/metrics' })).body;
    expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="fanout.plan",outcome="ok"}')).toBe(2 * BACKLOG);
    expect(metric(metrics, 'tweeter_feed_entries_delivered_total')).toBe(BACKLOG * (1 + 2));
  });

  it('run one by one when the batch transaction fails, and every post is delivered once', async () => {
    const calls = await start({ failFirst: true });
    const { one, full, none, big } = await fiveAuthors();
    await app().ctx.workers.stop();
    const authors = [one.token, full.token, none.token, big.token];
    const ids: string[] = [];
    for (const token of authors) ids.push(await post(token, 'to my followers'));
    app().ctx.workers.start();
    await app().drain();

    expect(calls[0]).toBe(4);
    for (const fan of [...one.fans.values(), ...full.fans.values(), ...big.fans.values()])
      expect((await feed(fan)).length).toBe(1);
    const audiences = [2, PAGE, 0, PAGE + 2];
    for (const [i, id] of ids.entries()) {
      const expected = { state: 'done', audience: audiences[i], delivered: audiences[i] };
      expect(await delivery(authors[i] ?? '', id)).toMatchObject(expected);
    }
    const metrics = (await app().inject({ method: 'GET', url: '/metrics' })).body;
    expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="fanout.plan",outcome="ok"}')).toBe(4);
    expect(metric(metrics, 'tweeter_feed_entries_delivered_total')).toBe(2 + PAGE + PAGE + 2);
  });
});
