import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../../src/config/index.js';
import { createNodeRuntime } from '../../src/wiring/node-runtime.js';
import { JobThreads } from '../../src/runtimes/thread/job-threads.js';
import { testShape } from '../support/aws-local.js';
import { eventually, type TestApp } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';
import { useTestApps } from '../support/use-test-app.js';

// The thread layout (JOB_THREADS=1): the SQLite file's one writer in a thread of its own, the job thread beside it
// reading on its own connection and sending its writes (the queue's too) to the writer over a channel of their own.
const apps = useTestApps();

async function threaded(env: Record<string, string> = {}): Promise<{ app: TestApp; threads: JobThreads }> {
  const app = await apps.start({ JOB_THREADS: '1', ...env });
  if (!(app.ctx.workers instanceof JobThreads)) throw new Error('not the thread layout');
  return { app, threads: app.ctx.workers };
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

function postAs(app: TestApp, token: string, text: string) {
  return app.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
}

async function feedIds(app: TestApp, token: string): Promise<string[]> {
  const res = await app.as(token, { method: 'GET', url: '/api/v1/me/feed?limit=100' });
  return res.json<{ items: { id: string }[] }>().items.map((item) => item.id);
}

/** Every post of `ids` is delivered to every fan once, and no feed holds an entry twice. */
async function deliveredOnce(app: TestApp, star: string, fans: string[], ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await app.as(star, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` });
    expect(res.json()).toEqual({ state: 'done', audience: fans.length, delivered: fans.length });
  }
  for (const fan of fans) {
    const feed = await feedIds(app, fan);
    expect(new Set(feed).size).toBe(feed.length);
    for (const id of ids) expect(feed).toContain(id);
  }
}

// Threads are a layout of the embedded shape; on aws-local the config refuses them.
describe.skipIf(testShape() === 'aws-local')('the writer thread', () => {
  it("fails the HTTP thread's writes it held with 503 when it crashes, retries the job thread's, and is restarted", async () => {
    const { app, threads } = await threaded({
      FANOUT_PAGE_SIZE: '5',
      FANOUT_BATCH_SIZE: '1',
      FANOUT_BATCH_PAUSE_MS: '5',
      JOB_VISIBILITY_MS: '500',
    });
    const { star, fans } = await followers(app, 'wcrash', 10);
    await app.drain();
    // Fan-out under way (the job thread's writes in flight) and posts coming in when the writer dies. Killed as soon
    // as it holds some of the posts' writes (a group answers all its posts at once, so a round can miss; a few do not).
    const first = (await postAs(app, star, 'before the crash')).json<{ id: string }>().id;
    const answers: Awaited<ReturnType<typeof postAs>>[] = [];
    let round = 0;
    while (round < 5 && !answers.some((res) => res.statusCode === 503)) {
      round += 1;
      const posts = Array.from({ length: 40 }, (_, i) => postAs(app, star, `round ${round} post ${i}`));
      await eventually(async () => threads.writesInHand() > 0);
      await threads.terminateWriter();
      answers.push(...(await Promise.all(posts)));
    }
    // Held by the dead writer: 503 (committed or not); sent after: waited for the new writer. Never a 500.
    const codes = answers.map((res) => res.statusCode);
    expect(codes.filter((code) => code !== 201 && code !== 503)).toEqual([]);
    expect(codes).toContain(503);
    expect(app.ctx.workers.health()).toMatchObject({ restarts: round });
    const after = await postAs(app, star, 'after the crash');
    expect(after.statusCode).toBe(201);
    await app.drain();
    const created = answers.filter((res) => res.statusCode === 201).map((res) => res.json<{ id: string }>().id);
    await deliveredOnce(app, star, fans, [first, ...created, after.json<{ id: string }>().id]);
    await eventually(async () => app.ctx.workers.health().ok);
  });

  it('keeps taking posts while the job thread is down, its writes in flight retried exactly once', async () => {
    const { app, threads } = await threaded({
      FANOUT_PAGE_SIZE: '5',
      FANOUT_BATCH_SIZE: '1',
      FANOUT_BATCH_PAUSE_MS: '5',
      JOB_VISIBILITY_MS: '500',
    });
    const { star, fans } = await followers(app, 'jcrash', 20);
    await app.drain();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postAs(app, star, `held ${i}`)).json<{ id: string }>().id);
    await eventually(async () => (await app.ctx.queue.stats()).inFlight >= 1);
    await threads.terminate(0);
    // The writer is untouched: posts commit while the job thread restarts.
    const during = await Promise.all(Array.from({ length: 5 }, (_, i) => postAs(app, star, `while down ${i}`)));
    expect(during.map((res) => res.statusCode)).toEqual([201, 201, 201, 201, 201]);
    ids.push(...during.map((res) => res.json<{ id: string }>().id));
    await app.drain();
    await deliveredOnce(app, star, fans, ids);
    await eventually(async () => app.ctx.workers.health().ok);
  });

  it("pushes a like's notification once, from the job thread, though the HTTP thread's write committed it", async () => {
    const { app } = await threaded();
    const [ann, bob] = [await app.register('ann'), await app.register('bob')];
    const id = (await postAs(app, ann, 'like me')).json<{ id: string }>().id;
    await app.drain();
    const client = await TestStreamClient.open(await app.streamUrl(), ann);
    try {
      expect(await client.request({ type: 'subscribe', channel: 'notifications' })).toMatchObject({ type: 'ack' });
      await app.as(bob, { method: 'PUT', url: `/api/v1/statuses/${id}/reactions/like` });
      expect(await client.waitFor((f) => f.type === 'notification')).toMatchObject({
        data: { type: 'reaction', actorCount: 1, status: { id }, actors: [{ alias: 'bob' }] },
      });
      await app.drain();
      expect(await client.request({ type: 'ping' })).toMatchObject({ op: 'ping' });
      expect(client.events('notification')).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('closes at once when closed right after it was built, before either thread was up (`tweeter openapi`)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tweeter-writer-close-'));
    try {
      const ctx = await createNodeRuntime(
        configFromEnvironment({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TWEETER_STORE: 'sqlite', JOB_THREADS: '1' }),
      );
      expect(ctx.workers).toBeInstanceOf(JobThreads);
      // Before the fix the job thread was handed its writer channel after its stop, kept it open and never exited.
      await ctx.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
