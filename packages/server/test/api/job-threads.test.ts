import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobThreads } from '../../src/runtimes/thread/job-threads.js';
import { testShape } from '../support/aws-local.js';
import { eventually, type TestApp } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';
import { useTestApps } from '../support/use-test-app.js';

// The job workers in a worker thread of their own (JOB_THREADS=1), over a real SQLite file: the thread opens its own
// connection, the main thread keeps HTTP, the outbox writes and the WebSocket connections.
const apps = useTestApps();
let t: TestApp | undefined;
const clients: TestStreamClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
});

async function threaded(env: Record<string, string> = {}): Promise<TestApp> {
  t = await apps.start({ JOB_THREADS: '1', ...env });
  expect(t.ctx.workers).toBeInstanceOf(JobThreads);
  return t;
}

function threadsOf(app: TestApp): JobThreads {
  if (!(app.ctx.workers instanceof JobThreads)) throw new Error('not the thread layout');
  return app.ctx.workers;
}

async function followers(app: TestApp, author: string, count: number): Promise<{ star: string; fans: string[] }> {
  const star = await app.register(author);
  const fans: string[] = [];
  for (let i = 0; i < count; i++) {
    const fan = await app.register(`${author}_fan_${i}`);
    expect((await app.as(fan, { method: 'PUT', url: `/api/v1/me/followees/${author}` })).statusCode).toBe(200);
    fans.push(fan);
  }
  return { star, fans };
}

async function post(app: TestApp, token: string, text: string): Promise<string> {
  const res = await app.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function feedIds(app: TestApp, token: string): Promise<string[]> {
  const res = await app.as(token, { method: 'GET', url: '/api/v1/me/feed?limit=50' });
  return res.json<{ items: { id: string }[] }>().items.map((item) => item.id);
}

// Job threads are a layout of the embedded shape (each opens the SQLite file); on aws-local the config refuses them.
describe.skipIf(testShape() === 'aws-local')('job workers in a worker thread', () => {
  it('fans a post out through the thread, and its metrics reach /metrics on the main thread', async () => {
    const app = await threaded({ FANOUT_PAGE_SIZE: '2', FANOUT_BATCH_SIZE: '1' });
    const { star, fans } = await followers(app, 'star', 5);
    await app.drain();
    const id = await post(app, star, 'through the thread');
    await app.drain();
    for (const fan of fans) expect(await feedIds(app, fan)).toContain(id);
    const delivery = await app.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` });
    expect(delivery.json()).toEqual({ state: 'done', audience: 5, delivered: 5 });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^tweeter_feed_entries_delivered_total 5$/m);
    expect(metrics).toMatch(/^tweeter_fanout_lag_seconds_count 1$/m);
    expect(metrics).toMatch(/^tweeter_job_duration_seconds_count\{name="fanout.deliver",outcome="ok"\} 3$/m);
    // The main thread's own metrics are still there.
    expect(metrics).toMatch(/^process_start_time_seconds \d+/m);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ ok: true, checks: { store: 'ok', queue: 'ok', workers: 'ok' } });
  });

  it('pushes feed.status and feed.delete from the thread to a WebSocket client of the main thread', async () => {
    const app = await threaded();
    const { star, fans } = await followers(app, 'live', 1);
    await app.drain();
    const url = await app.streamUrl();
    const client = await TestStreamClient.open(url, fans[0]);
    clients.push(client);
    expect(await client.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
    const id = await post(app, star, 'live through the thread');
    expect(await client.waitFor((f) => f.type === 'feed.status')).toMatchObject({
      type: 'feed.status',
      channel: 'feed',
      data: { id, post: 'live through the thread' },
    });
    expect((await app.as(star, { method: 'DELETE', url: `/api/v1/statuses/${id}` })).statusCode).toBe(204);
    expect(await client.waitFor((f) => f.type === 'feed.delete')).toEqual({
      type: 'feed.delete',
      channel: 'feed',
      data: { id },
    });
  });

  it("sends the HTTP thread's writes to the thread's one writer: concurrent posts, follows and fan-out never meet a busy lock", async () => {
    // Every connection has busy_timeout 0: were two connections writing, a post committing while a fan-out page
    // held the lock would fail with SQLITE_BUSY (a 500) instead of waiting.
    const app = await threaded({ FANOUT_PAGE_SIZE: '5', FANOUT_BATCH_SIZE: '5' });
    const { star, fans } = await followers(app, 'busy', 20);
    await app.drain();
    const newcomers = await Promise.all(Array.from({ length: 10 }, (_, i) => app.register(`busy_new_${i}`)));
    const [posted, followed] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => post(app, star, `busy ${i}`))),
      Promise.all(newcomers.map((token) => app.as(token, { method: 'PUT', url: '/api/v1/me/followees/busy' }))),
    ]);
    expect(followed.map((res) => res.statusCode)).toEqual(newcomers.map(() => 200));
    await app.drain();
    for (const fan of fans) expect((await feedIds(app, fan)).sort()).toEqual([...posted].sort());
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toMatchObject({ ok: true });
  });

  it('answers every one of many writes made at once: likes made together all count', async () => {
    const app = await threaded();
    const author = await app.register('liked');
    const likers = await Promise.all(Array.from({ length: 12 }, (_, i) => app.register(`liker_${i}`)));
    const id = await post(app, author, 'like me, all at once');
    const likes = await Promise.all(
      likers.map((token) => app.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/like` })),
    );
    expect(likes.map((res) => res.statusCode)).toEqual(likers.map(() => 200));
    const status = await app.as(author, { method: 'GET', url: `/api/v1/statuses/${id}` });
    expect(status.json<{ reactions: { like: number } }>().reactions.like).toBe(12);
  });

  it('answers the writes a killed thread held with 503, never a 500 or a hang; their retries count once', async () => {
    const app = await threaded();
    const author = await app.register('crashliked');
    const likers = await Promise.all(Array.from({ length: 12 }, (_, i) => app.register(`crashliker_${i}`)));
    const id = await post(app, author, 'liked through a crash');
    const like = (token: string) => app.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/like` });
    const likes = likers.map((token) => like(token));
    // The likes' writes are sent to the thread; it dies with them in hand (or before they reach it).
    await new Promise((resolve) => setImmediate(resolve));
    await threadsOf(app).terminate(0);
    const codes = (await Promise.all(likes)).map((res) => res.statusCode);
    for (const code of codes) expect([200, 503]).toContain(code);
    // A like is idempotent: the retry of a 503 (committed or not) leaves one like each.
    for (const [i, code] of codes.entries())
      if (code === 503) expect((await like(likers[i] ?? '')).statusCode).toBe(200);
    const status = await app.as(author, { method: 'GET', url: `/api/v1/statuses/${id}` });
    expect(status.json<{ reactions: { like: number } }>().reactions.like).toBe(12);
  });

  it('finishes the jobs in hand when stopped, leaving the rest queued', async () => {
    // Four deliver jobs of ten, one at a time, each taking a while: the stop comes while the fan-out runs.
    const app = await threaded({
      FANOUT_PAGE_SIZE: '10',
      FANOUT_BATCH_SIZE: '1',
      FANOUT_BATCH_PAUSE_MS: '20',
      WORKER_CONCURRENCY: '1',
      // Only the fan-out's jobs in the queue: the post's search-index job would be counted as waiting too.
      SEARCH_INDEX: 'off',
    });
    const { star } = await followers(app, 'drained', 40);
    await app.drain();
    const id = await post(app, star, 'stop me');
    const delivery = async () =>
      (await app.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` })).json<{ delivered: number }>();
    await eventually(async () => (await delivery()).delivered > 0);
    await app.ctx.workers.stop();
    // The job in hand was finished (nothing left in flight, progress counted in whole pages), the rest wait.
    const stats = await app.ctx.queue.stats();
    expect(stats.inFlight).toBe(0);
    const { delivered } = await delivery();
    expect(delivered % 10).toBe(0);
    // Counted by name: a delivered page may also have queued a feed.trim check (1 feed in FEED_MAX_ENTRIES / 10,
    // picked by a hash of the owner and the status id, so some runs have one).
    const db = new Database(join(app.dataDir, 'tweeter.db'), { readonly: true });
    try {
      const waiting = db.prepare("SELECT COUNT(*) FROM jobs WHERE name = 'fanout.deliver'").pluck().get();
      expect(waiting).toBe((40 - delivered) / 10);
    } finally {
      db.close();
    }
  });

  it('restarts a thread that crashed mid-job, and the job it held runs again', async () => {
    // Six deliver jobs of ten, one at a time, each taking a while: the first is counted while the rest still run.
    const app = await threaded({
      FANOUT_PAGE_SIZE: '10',
      FANOUT_BATCH_SIZE: '1',
      FANOUT_BATCH_PAUSE_MS: '20',
      WORKER_CONCURRENCY: '1',
      JOB_VISIBILITY_MS: '500',
    });
    const { star, fans } = await followers(app, 'crash', 60);
    await app.drain();
    const id = await post(app, star, 'crash mid-job');
    const midway = await eventually(async () => {
      const res = await app.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` });
      const d = res.json<{ state: string; delivered: number }>();
      return d.delivered > 0 && d;
    });
    await threadsOf(app).terminate(0);
    expect(midway.state).toBe('running');
    expect(app.ctx.workers.health()).toMatchObject({ ok: false, restarts: 1 });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({
      ok: false,
      checks: { workers: 'failing' },
    });
    // The restarted thread takes the job again once its visibility timeout ends, and finishes it exactly once.
    await app.drain();
    const delivery = await app.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` });
    expect(delivery.json()).toEqual({ state: 'done', audience: 60, delivered: 60 });
    for (const fan of fans) expect((await feedIds(app, fan)).filter((entry) => entry === id)).toHaveLength(1);
    await eventually(async () => app.ctx.workers.health().ok);
  });

  it('runs the jobs a killed thread held as soon as its replacement starts, not after their visibility', async () => {
    // Deliver jobs of 5 followers, written one at a time with a pause, so the kill finds a batch of them in hand; a
    // visibility of 60 s, so only the replacement releasing the dead thread's leases can beat the deadline below.
    const app = await threaded({
      FANOUT_PAGE_SIZE: '5',
      FANOUT_BATCH_SIZE: '1',
      FANOUT_BATCH_PAUSE_MS: '20',
      JOB_VISIBILITY_MS: '60000',
    });
    const authors = await Promise.all(['lease_a', 'lease_b', 'lease_c', 'lease_d'].map((a) => app.register(a)));
    const fans: string[] = [];
    for (let i = 0; i < 20; i++) {
      const fan = await app.register(`lease_fan_${i}`);
      for (const author of ['lease_a', 'lease_b', 'lease_c', 'lease_d']) {
        expect((await app.as(fan, { method: 'PUT', url: `/api/v1/me/followees/${author}` })).statusCode).toBe(200);
      }
      fans.push(fan);
    }
    await app.drain();
    const ids = await Promise.all(authors.map((author, i) => post(app, author, `held ${i}`)));
    await eventually(async () => (await app.ctx.queue.stats()).inFlight >= 2);
    await threadsOf(app).terminate(0);
    expect((await app.ctx.queue.stats()).inFlight).toBeGreaterThanOrEqual(1);
    // A few seconds of work were left; 20 s is far below the 60 s a lapse would take.
    await app.ctx.workers.drain(20_000);
    for (const [i, id] of ids.entries()) {
      const res = await app.as(authors[i] ?? '', { method: 'GET', url: `/api/v1/statuses/${id}/delivery` });
      expect(res.json()).toEqual({ state: 'done', audience: 20, delivered: 20 });
    }
    for (const fan of fans)
      expect((await feedIds(app, fan)).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(app.ctx.workers.health()).toMatchObject({ restarts: 1 });
  });
});
